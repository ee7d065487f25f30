package sendunderlock

// A test stops testStop with no mutex held: it does not make the
// package's own closer lock-free.
func stopForTest(t *testStop) { t.stop() }
