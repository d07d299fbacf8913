#include "CWengert.h"
#include <stdlib.h>

int wengert_block_stack_push(wengert_block_stack *stack, void *block) {
    if (stack->count == stack->capacity) {
        long capacity = stack->capacity ? stack->capacity * 2 : 8;
        void **items = realloc(stack->items, (size_t)capacity * sizeof(void *));
        if (!items) return 0;
        stack->items = items;
        stack->capacity = capacity;
    }
    stack->items[stack->count++] = block;
    return 1;
}

void wengert_block_stack_release(wengert_block_stack *stack) {
    free(stack->items);
    stack->items = 0;
    stack->count = stack->capacity = 0;
}
