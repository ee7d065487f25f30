//go:build go1.21

package oldgo

type Msg struct{ ID int }

func handle(m Msg) {}

func work(ch <-chan Msg) {
	for m := range ch {
		go handle(m) // want `a goroutine is started for`
	}
}
