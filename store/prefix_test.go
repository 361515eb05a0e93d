package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// TestPrefixAgainstBruteForce: a prefix range gives exactly the items
// whose key (or indexed value) starts with the prefix, in the index's
// terms, in both directions.
func TestPrefixAgainstBruteForce(t *testing.T) {
	db := memDB(t)
	mustOK(t, db.CreateIndex("name", "u:*", IndexString, ""))
	mustOK(t, db.CreateIndex("bin", "u:*", IndexBinary, ""))
	mustOK(t, db.CreateIndex("jname", "j:*", IndexJSON, "name"))
	mustOK(t, db.CreateIndex("jcase", "j:*", IndexJSONCaseSensitive, "name"))
	rng := rand.New(rand.NewPCG(14, 2))
	alphabet := []byte{'a', 'b', 'A', 'B', '@', '[', 0xFF, 0, '~'}
	word := func() string {
		b := make([]byte, rng.IntN(4))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	values := map[string]string{}
	for i := 0; i < 400; i++ {
		w := word()
		values[fmt.Sprintf("u:%d", i)] = w
		mustSet(t, db, fmt.Sprintf("u:%d", i), w)
		js := strings.ToValidUTF8(w, "")
		jv := fmt.Sprintf(`{"name":%q}`, js)
		if i%7 == 0 {
			jv = fmt.Sprintf(`{"name":%d}`, i) // numbers never match a prefix
		}
		values[fmt.Sprintf("j:%d", i)] = jv
		mustSet(t, db, fmt.Sprintf("j:%d", i), jv)
		mustSet(t, db, w+fmt.Sprint(i), "k")
		values[w+fmt.Sprint(i)] = "k"
	}
	has := func(s, p string, fold bool) bool {
		if fold {
			return strings.HasPrefix(lowerASCII(s), lowerASCII(p))
		}
		return strings.HasPrefix(s, p)
	}
	cases := []struct {
		index string
		keys  string // the keys it covers
		fold  bool
		json  bool
	}{{"", "", false, false}, {"name", "u:", true, false}, {"bin", "u:", false, false},
		{"jname", "j:", true, true}, {"jcase", "j:", false, true}}
	for round := 0; round < 200; round++ {
		p := word()
		for _, c := range cases {
			if c.json {
				p = strings.ToValidUTF8(p, "")
			}
			var want []string
			for k, v := range values {
				if !strings.HasPrefix(k, c.keys) {
					continue
				}
				indexed := v
				switch {
				case c.index == "":
					indexed = k
				case c.json:
					r := gjson.Get(v, "name")
					if r.Type != gjson.String {
						continue
					}
					indexed = r.Str
				}
				if has(indexed, p, c.fold) {
					want = append(want, k)
				}
			}
			slices.Sort(want)
			got := scanKeys(t, db, c.index, PrefixRange(p))
			desc := PrefixRange(p)
			desc.Desc = true
			gotDesc := scanKeys(t, db, c.index, desc)
			slices.Reverse(gotDesc)
			slices.Sort(got)
			slices.Sort(gotDesc)
			if !slices.Equal(got, want) || !slices.Equal(gotDesc, want) {
				t.Fatalf("index %q prefix %q: got %d (desc %d) keys, want %d", c.index, p, len(got), len(gotDesc), len(want))
			}
		}
	}
}

func TestPrefixOrderAndRefusals(t *testing.T) {
	db := memDB(t)
	for _, k := range []string{"region:a", "region:b", "region;", "regio", "region:c"} {
		mustSet(t, db, k, "1")
	}
	if got := scanKeys(t, db, "", PrefixRange("region:")); strings.Join(got, ",") != "region:a,region:b,region:c" {
		t.Fatalf("prefix scan = %v", got)
	}
	r := PrefixRange("region:")
	r.Desc, r.Limit = true, 2
	if got := scanKeys(t, db, "", r); strings.Join(got, ",") != "region:c,region:b" {
		t.Fatalf("descending limited prefix scan = %v", got)
	}
	if got := scanKeys(t, db, "", PrefixRange("")); len(got) != 5 {
		t.Fatalf("empty prefix = %v, want every key", got)
	}
	mustOK(t, db.CreateIndex("n", "*", IndexInt, ""))
	none := func(k, v string) bool { return true }
	wantErr(t, db.Scan("n", PrefixRange("1"), none), ErrInvalidArgument)
	bad := PrefixRange("a")
	bad.HasLo = true
	wantErr(t, db.Scan("", bad, none), ErrInvalidArgument)
	mustOK(t, db.CreateIndex("q", "*", IndexJSON, "a.#(b==1)"))
	wantErr(t, db.Scan("q", PrefixRange("x"), none), ErrInvalidArgument)
}
