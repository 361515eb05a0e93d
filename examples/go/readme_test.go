package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeSnippets keeps the README's Go and C snippets true: each must
// stand, word for word, in the example program that the tests build and run.
func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for lang, source := range map[string]string{"go": "main.go", "c": "../c/example.c"} {
		program, err := os.ReadFile(source)
		if err != nil {
			t.Fatal(err)
		}
		blocks := regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
		if len(blocks) == 0 {
			t.Errorf("README.md has no %s snippet", lang)
		}
		for _, b := range blocks {
			if !strings.Contains(dedent(string(program)), dedent(b[1])) {
				t.Errorf("README.md's %s snippet is not in %s:\n%s", lang, source, b[1])
			}
		}
	}
}

// TestOutput runs the example and compares what it prints with expected.txt.
func TestOutput(t *testing.T) {
	want, err := os.ReadFile("expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	runErr := run()
	os.Stdout = stdout
	_ = w.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	if string(got) != string(want) {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// dedent drops each line's leading white space: a snippet is indented for
// the README, the program for its function.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " \t")
	}
	return strings.Join(lines, "\n")
}
