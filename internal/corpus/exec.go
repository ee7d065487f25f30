package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// A Measure is what one command cost: wall time, CPU time (user+system,
// the command and every child it waited for), and peak resident set
// size: the largest of the command and its waited-for descendants, as
// wait4 reports it (Linux: the biggest single process, not a sum).
type Measure struct {
	Wall float64 `json:"wall"` // seconds
	CPU  float64 `json:"cpu"`  // seconds
	RSS  int64   `json:"rss"`  // KiB
	Exit int     `json:"exit"`
}

// A Cmd is one command to run and measure.
type Cmd struct {
	Dir     string
	Env     []string // added to the environment
	Args    []string
	Stdout  string // file to write stdout to; "" keeps it in memory
	Timeout time.Duration
}

// A Run is a finished command.
type Run struct {
	Measure
	Stdout []byte // when Cmd.Stdout is ""
	Stderr []byte
	Err    error // failed to start, or timed out
}

// run runs c and measures it. A non-zero exit is not an error: it is
// in Measure.Exit.
func runCmd(c Cmd) Run {
	ctx := context.Background()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.Dir = c.Dir
	cmd.Env = mergeEnv(os.Environ(), c.Env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The whole process group: go vet's children too.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	var stdout, stderr bytes.Buffer
	var out *os.File
	if c.Stdout != "" {
		f, err := os.Create(c.Stdout)
		if err != nil {
			return Run{Err: err}
		}
		out = f
		defer f.Close()
		cmd.Stdout = f
	} else {
		cmd.Stdout = &stdout
	}
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := Run{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	r.Wall = time.Since(start).Seconds()
	if cmd.ProcessState != nil {
		r.Exit = cmd.ProcessState.ExitCode()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.RSS = ru.Maxrss // KiB on Linux
			r.CPU = tv(ru.Utime) + tv(ru.Stime)
		}
	}
	if ctx.Err() != nil {
		r.Err = fmt.Errorf("%s: timed out after %s", strings.Join(c.Args, " "), c.Timeout)
	} else if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		r.Err = err
	}
	if out != nil {
		out.Sync()
	}
	return r
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// mergeEnv returns base with the variables of add set, replacing
// earlier values of the same name.
func mergeEnv(base, add []string) []string {
	if len(add) == 0 {
		return base
	}
	names := make(map[string]bool)
	for _, kv := range add {
		k, _, _ := strings.Cut(kv, "=")
		names[k] = true
	}
	var out []string
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !names[k] {
			out = append(out, kv)
		}
	}
	return append(out, add...)
}

// must runs c and fails unless it exits 0.
func must(c Cmd) (Run, error) {
	r := runCmd(c)
	if r.Err == nil && r.Exit != 0 {
		r.Err = fmt.Errorf("%s (in %s): exit %d\n%s", strings.Join(c.Args, " "), c.Dir, r.Exit, tail(r.Stderr, 20))
	}
	return r, r.Err
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// loadAvg returns the 1-minute load average, as uptime shows it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return f[0]
}
