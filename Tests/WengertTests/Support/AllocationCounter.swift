#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Counts the Swift heap allocations (`swift_allocObject`: array buffers, class
/// instances, boxed closure contexts) that the calling thread makes inside a body.
///
/// It redirects the test executable's own call slot for `swift_allocObject` (its GOT
/// entry, found through the ELF relocation tables of the running program, located from the
/// auxiliary vector) to a counting
/// function that forwards to the runtime. That sees every allocation made by code
/// compiled into the tests, the library's inlined generic code included; it does not see
/// allocations made inside the Swift runtime's own non-inlined functions, nor raw
/// `malloc` calls (the tape's buffers). Linux (ELF) only; elsewhere `count` returns nil.
enum AllocationCounter {
    typealias Allocate = @convention(c) (Int) -> UnsafeMutableRawPointer?

    /// Allocations by the calling thread in `body`, or nil when the slot cannot be found.
    static func count(_ body: () -> Void) -> Int? {
        #if canImport(Glibc)
        guard let slot = allocationSlot() else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = UnsafeMutableRawPointer(bitPattern: UInt(bitPattern: slot) & ~UInt(page - 1))
        guard mprotect(start, page, PROT_READ | PROT_WRITE) == 0 else { return nil }
        let target = UnsafeMutableRawPointer(mutating: slot).assumingMemoryBound(to: UInt.self)
        let original = target.pointee
        originalAllocate.store(original, ordering: .sequentiallyConsistent)
        countedThread.store(UInt(pthread_self()), ordering: .sequentiallyConsistent)
        allocations.store(0, ordering: .sequentiallyConsistent)
        let hook: Allocate = { size in
            if UInt(pthread_self()) == countedThread.load(ordering: .relaxed) {
                allocations.add(1, ordering: .relaxed)
            }
            let forward = unsafeBitCast(originalAllocate.load(ordering: .relaxed), to: Allocate.self)
            return forward(size)
        }
        target.pointee = unsafeBitCast(hook, to: UInt.self)
        body()
        countedThread.store(0, ordering: .sequentiallyConsistent)
        // A thread already inside the counting hook finishes it safely: it forwards.
        target.pointee = original
        return allocations.load(ordering: .sequentiallyConsistent)
        #else
        return nil
        #endif
    }

    #if canImport(Glibc)
    /// The address of libswiftCore's relocated call slot for `malloc`.
    private static func allocationSlot() -> UnsafeRawPointer? {
        guard let handle = dlopen("libswiftCore.so", RTLD_NOW | RTLD_NOLOAD) else { return nil }
        // glibc's dlopen handle is the object's link_map: load bias, then dynamic section.
        let map = handle.assumingMemoryBound(to: link_map.self).pointee
        let base = UInt(map.l_addr)
        func absolute(_ p: UInt) -> UInt { p < base ? p + base : p }
        let dynamic: UnsafePointer<Elf64_Dyn>? = UnsafePointer(map.l_ld)
        guard var d = dynamic else { return nil }
        var symtab: UInt = 0, strtab: UInt = 0
        var jmprel: UInt = 0, pltSize = 0, rela: UInt = 0, relaSize = 0
        while d.pointee.d_tag != Int64(DT_NULL) {
            let value = UInt(d.pointee.d_un.d_ptr)
            switch d.pointee.d_tag {
            case Int64(DT_SYMTAB): symtab = absolute(value)
            case Int64(DT_STRTAB): strtab = absolute(value)
            case Int64(DT_JMPREL): jmprel = absolute(value)
            case Int64(DT_PLTRELSZ): pltSize = Int(value)
            case Int64(DT_RELA): rela = absolute(value)
            case Int64(DT_RELASZ): relaSize = Int(value)
            default: break
            }
            d += 1
        }
        guard let symbols = UnsafePointer<Elf64_Sym>(bitPattern: symtab), strtab != 0 else { return nil }
        for (address, size) in [(jmprel, pltSize), (rela, relaSize)] {
            guard let relocations = UnsafePointer<Elf64_Rela>(bitPattern: address) else { continue }
            for r in 0..<(size / MemoryLayout<Elf64_Rela>.stride) {
                let symbol = Int(relocations[r].r_info >> 32)
                if symbol == 0 { continue }
                guard let name = UnsafePointer<CChar>(bitPattern: strtab + UInt(symbols[symbol].st_name)) else { continue }
                if strcmp(name, "malloc") == 0 {
                    return UnsafeRawPointer(bitPattern: base + UInt(relocations[r].r_offset))
                }
            }
        }
        return nil
    }
    #endif
}

private let originalAllocate = Atomic<UInt>(0)
private let countedThread = Atomic<UInt>(0)
private let allocations = Atomic<Int>(0)
