package uncancellablesend

import (
	"context"
	"sync"
)

// Pipeline stages (syncthing folder_sendrecv.go): each stage sends on a
// channel parameter; the function that makes the channels starts a
// goroutine that drains each one until it is closed, and closes it after
// the senders are done. The sends cannot be left waiting.

type folder struct{ ctx context.Context }

type item struct{ name string }

func (f *folder) iteration(items []item) {
	copyChan := make(chan item)
	finisherChan := make(chan item)
	dbUpdateChan := make(chan item)

	var updateWg, copyWg, doneWg sync.WaitGroup
	updateWg.Add(1)
	go func() {
		f.dbUpdater(dbUpdateChan) // drains until close with v, ok
		updateWg.Done()
	}()
	for i := 0; i < 4; i++ {
		copyWg.Add(1)
		go func() {
			f.copier(copyChan, finisherChan)
			copyWg.Done()
		}()
	}
	doneWg.Add(1)
	go func() {
		f.finisher(finisherChan, dbUpdateChan) // ranges until close
		doneWg.Done()
	}()

	f.process(items, dbUpdateChan, copyChan)

	close(copyChan)
	copyWg.Wait()
	close(finisherChan)
	doneWg.Wait()
	close(dbUpdateChan)
	updateWg.Wait()
}

func (f *folder) process(items []item, dbUpdateChan chan<- item, copyChan chan<- item) {
	for _, it := range items {
		if f.ctx.Err() != nil {
			return
		}
		if it.name == "" {
			dbUpdateChan <- it
			continue
		}
		f.handle(it, copyChan) // passed on: the same holds one caller up
	}
}

func (f *folder) handle(it item, copyChan chan<- item) {
	_ = f.ctx
	copyChan <- it
}

func (f *folder) copier(in <-chan item, out chan<- item) {
	for it := range in {
		_ = f.ctx
		out <- it
	}
}

func (f *folder) finisher(in <-chan item, dbUpdateChan chan<- item) {
	for it := range in {
		_ = f.ctx
		dbUpdateChan <- it
	}
}

func (f *folder) dbUpdater(dbUpdateChan <-chan item) {
loop:
	for {
		select {
		case it, ok := <-dbUpdateChan:
			if !ok {
				break loop
			}
			_ = it
		case <-f.ctx.Done():
			// keeps draining: only the close ends the loop
		}
	}
}

// One send per call on a channel every caller buffers for it (syncthing
// relay client): errorsc := make(chan error, 1); go messageReader(...).
func serveRelay(ctx context.Context, read func() error) error {
	errorsc := make(chan error, 1)
	go messageReader(ctx, read, errorsc)
	select {
	case err := <-errorsc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func messageReader(ctx context.Context, read func() error, errors chan<- error) {
	for {
		if err := read(); err != nil {
			errors <- err
			return
		}
	}
}

// Positive: a caller's receiver may stop before the close (it returns
// early), so the stage can be left waiting.
func (f *folder) earlyStop(items []item) {
	out := make(chan item)
	go f.producer(items, out)
	for it := range out {
		if it.name == "stop" {
			return
		}
	}
}

func (f *folder) producer(items []item, out chan<- item) {
	for _, it := range items {
		_ = f.ctx
		out <- it // want `send on out blocks`
	}
	close(out)
}

// Positive: exported, so callers outside the package are unknown.
func (f *folder) Stage(in <-chan item, out chan<- item) {
	for it := range in {
		_ = f.ctx
		out <- it // want `send on out blocks`
	}
}

// Positive: the caller's buffer holds one value, but two goroutines
// send once each.
func twoReaders(ctx context.Context, read func() error) error {
	errorsc := make(chan error, 1)
	go oneError(ctx, read, errorsc)
	go oneError(ctx, read, errorsc)
	return <-errorsc
}

func oneError(ctx context.Context, read func() error, errs chan<- error) {
	errs <- read() // want `send on errs blocks`
}
