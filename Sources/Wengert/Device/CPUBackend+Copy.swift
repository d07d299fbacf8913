import CWengert

@usableFromInline
func wengertCopyBytes(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ count: Int) {
    wengert_copy_bytes(destination, source, count)
}
