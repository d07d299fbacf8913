print("wengert-examples: not yet")
