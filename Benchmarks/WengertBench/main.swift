print("wengert-bench: not yet")
