package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBindingsSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bindings.tsv")
	tsv := "c\tget\t300.0\t1000\nc\tget_many_1000\t200000.0\t10\n" +
		"python\tget\t1200.0\t1000\npython\tget_many_1000\t400000.0\t10\nbun\tget\t450.0\t1000\nbroken line\n"
	if err := os.WriteFile(path, []byte(tsv), 0o644); err != nil {
		t.Fatal(err)
	}
	got := bindingsSection(path)
	for _, want := range []string{
		"| c | 300 ns | 1.0× | 200 µs | 1.0× | 200 ns |",
		"| python | 1.2 µs | 4.0× | 400 µs | 2.0× | 400 ns |",
		"| bun | 450 ns | 1.5× | - | - | - |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing row %q in:\n%s", want, got)
		}
	}
	if strings.Index(got, "| c |") > strings.Index(got, "| python |") || strings.Index(got, "| python |") > strings.Index(got, "| bun |") {
		t.Errorf("rows not in the file's order:\n%s", got)
	}
	if empty := bindingsSection(filepath.Join(t.TempDir(), "missing.tsv")); !strings.Contains(empty, "not measured") {
		t.Errorf("no file: %s", empty)
	}
}
