package methodsflag

type bus struct{}

func (bus) Push(v int) error { return nil }
func (bus) Emit(v int) bool  { return true }
func (bus) Post(v int) error { return nil }

func use(b bus) {
	b.Push(1) // want `the error of b.Push is discarded: Push is a send-like method`
	b.Emit(1) // want `the bool result of b.Emit is discarded`
	b.Post(1)
}
