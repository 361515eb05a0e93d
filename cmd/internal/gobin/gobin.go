// Package gobin builds the Go program in a folder into a temporary one, for
// tests that run a program as a process, as its users do.
package gobin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Build runs `go build` (the toolchain that runs the test) on the package
// in dir and returns the path of the binary, named name.
func Build(dir, name string) (string, error) {
	out, err := os.MkdirTemp("", name+"-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(out, name)
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", dir, err, msg)
	}
	return bin, nil
}
