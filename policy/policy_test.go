package policy

import (
	"strings"
	"testing"

	"github.com/stammer-mcp/stammer-mcp/auth"
)

func TestParseRefusesAmbiguousRules(t *testing.T) {
	for _, bad := range []string{
		`{"rules": [{"chatbots": [17]}]}`,
		`{"rules": [{"email": "a@b", "subject": "x", "chatbots": [17]}]}`,
		`{"rules": [{"email": "a@b", "chatbots": []}]}`,
		`{"rules": [{"email": "a@b", "chatbots": [-3]}]}`,
		`{"rules": [{"email": "a@b", "chatbots": [true]}]}`,
		`{"rules": [{"email": "a@b", "chatbot": [17]}]}`,
		`{"rules": [{"email": "a@b", "chatbots": [17]}]`,
		`[]`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestScopeForIsTheUnionOfMatchingRules(t *testing.T) {
	p, err := Parse([]byte(`{"rules": [
		{"subject": "s1", "chatbots": [17, "23"]},
		{"email": "Ana@Example.com", "chatbots": ["AAAAAAAA-1111-2222-3333-444444444444"]},
		{"group": "g", "chatbots": [42]},
		{"group": "admins", "chatbots": ["*"]}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	s := p.ScopeFor(auth.Identity{Subject: "s1", Email: "ana@example.com", Groups: []string{"g"}})
	for _, ok := range []bool{s.Allows(17, ""), s.Allows(23, ""), s.Allows(42, ""), s.Allows(0, "aaaaaaaa-1111-2222-3333-444444444444")} {
		if !ok {
			t.Fatalf("union incomplete: %s", s.Describe())
		}
	}
	if s.Allows(99, "") || s.IsAll() {
		t.Errorf("union too wide: %s", s.Describe())
	}
	// Two users with the same chatbots listed differently share a key;
	// any difference gives another.
	a := p.ScopeFor(auth.Identity{Subject: "s1"})
	b := Of([]int64{23, 17, 17}, nil)
	if a.Key() != b.Key() {
		t.Errorf("equal scopes, different keys: %q %q", a.Key(), b.Key())
	}
	if a.Key() == Of([]int64{17}, nil).Key() || a.Key() == All().Key() || Of(nil, nil).Key() == All().Key() {
		t.Error("different scopes share a key")
	}
	if !p.ScopeFor(auth.Identity{Subject: "x", Groups: []string{"admins"}}).IsAll() {
		t.Error("the wildcard did not give every chatbot")
	}
	if !p.ScopeFor(auth.Identity{Subject: "S1"}).IsEmpty() {
		t.Error("subjects must match exactly")
	}
	if !p.ScopeFor(auth.Identity{}).IsEmpty() {
		t.Error("an empty identity matched a rule")
	}
	e := &AccessError{Scope: a, Chatbot: "chatbot_id 42"}
	if msg := e.Error(); !strings.Contains(msg, "chatbot_id 42") || !strings.Contains(msg, "chatbot_id 17, 23") {
		t.Errorf("the refusal does not name the asked and the allowed chatbots: %s", msg)
	}
}
