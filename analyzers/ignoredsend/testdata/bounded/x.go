package x

import (
	"context"
	"io"

	"github.com/bplint/bplint/runtime/bounded"
)

// Every method of bounded that reports failure must be checked.
func produce(ctx context.Context, q *bounded.Queue[int], w *bounded.Writer[string], fw *bounded.FrameWriter) error {
	q.Send(ctx, 1) // want `the error of q.Send is discarded: Send is a bounded method that reports failure`

	q.TrySend(2) // want `the error of q.TrySend is discarded`

	w.Write(ctx, "x") // want `the error of w.Write is discarded`

	fw.WriteFrame([]byte("f")) // want `the error of fw.WriteFrame is discarded`

	defer w.Close(ctx) // want `defer statement: the error of w.Close is discarded`

	// Negative: checked, explicitly discarded, or no result.
	if err := w.Flush(ctx); err != nil {
		return err
	}
	_ = q.TrySend(3)
	q.Close()
	_ = q.Len()
	return fw.Flush()
}

// A function returning nothing gets no fix.
func fire(q *bounded.Queue[[]byte], r io.Reader) {
	q.TrySend(nil) // want `the error of q.TrySend is discarded`
}
