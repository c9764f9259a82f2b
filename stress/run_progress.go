package stress

import "sync/atomic"

// progress counts finished scenarios and reports them to a host callback
// from a goroutine of its own, so the workers never wait for the host: a
// worker increments a counter and pokes a channel without blocking.
type progress struct {
	fn    func(done, total int)
	total int
	done  atomic.Int64
	poke  chan struct{}
	quit  chan struct{}
	ended chan struct{}
}

// startProgress starts reporting to fn (nil: no reporting).
func startProgress(fn func(done, total int), total int) *progress {
	p := &progress{fn: fn, total: total}
	if fn == nil {
		return p
	}
	p.poke, p.quit, p.ended = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		last := -1
		for {
			select {
			case <-p.poke:
				if d := int(p.done.Load()); d != last {
					last = d
					fn(d, total)
				}
			case <-p.quit:
				return
			}
		}
	}()
	return p
}

// add counts one scenario done.
func (p *progress) add() {
	if p.fn == nil {
		return
	}
	p.done.Add(1)
	select {
	case p.poke <- struct{}{}:
	default: // a report is already pending; it will read the new count
	}
}

// stop ends the reporting goroutine and waits for it.
func (p *progress) stop() {
	if p.fn == nil || p.quit == nil {
		return
	}
	close(p.quit)
	<-p.ended
	p.quit = nil
}

// finish stops the reporting and makes the last call, done == total.
func (p *progress) finish() {
	if p.fn == nil {
		return
	}
	p.stop()
	p.fn(p.total, p.total)
}
