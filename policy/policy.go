// Package policy decides which chatbots each caller of the HTTP transport
// may read. An access policy file maps identities (a token's subject,
// email or group) to chatbots (ids, uuids, or "*"); the tools ask for the
// caller's Scope and never read, return or cache beyond it.
//
// Without a policy file every authenticated caller sees everything, as
// stdio users always do.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/stammer-mcp/stammer-mcp/auth"
)

// Scope is the set of chatbots one caller may read: every chatbot, or
// the listed ids and uuids. The zero Scope allows nothing.
type Scope struct {
	all   bool
	ids   []int64  // sorted, unique
	uuids []string // lower case, sorted, unique
}

// All is the Scope of a caller who may read every chatbot.
func All() Scope { return Scope{all: true} }

// Of builds a Scope from chatbot ids and uuids.
func Of(ids []int64, uuids []string) Scope {
	s := Scope{ids: slices.Clone(ids)}
	for _, u := range uuids {
		s.uuids = append(s.uuids, strings.ToLower(strings.TrimSpace(u)))
	}
	slices.Sort(s.ids)
	s.ids = slices.Compact(s.ids)
	slices.Sort(s.uuids)
	s.uuids = slices.Compact(s.uuids)
	return s
}

// IsAll reports whether the scope covers every chatbot.
func (s Scope) IsAll() bool { return s.all }

// IsEmpty reports whether the scope allows no chatbot at all.
func (s Scope) IsEmpty() bool { return !s.all && len(s.ids) == 0 && len(s.uuids) == 0 }

// IDs and UUIDs are the listed chatbots (empty for All).
func (s Scope) IDs() []int64 { return slices.Clone(s.ids) }

// UUIDs are the listed chatbot uuids, lower case.
func (s Scope) UUIDs() []string { return slices.Clone(s.uuids) }

// Allows reports whether a chatbot known by its id and/or uuid is in the
// scope: either one listed is enough. A chatbot named by a form the policy
// does not list (a uuid when the policy lists its id) is not allowed: the
// server cannot tell, without asking the API, that they are the same.
func (s Scope) Allows(id int64, uuid string) bool {
	if s.all {
		return true
	}
	if id != 0 && slices.Contains(s.ids, id) {
		return true
	}
	u := strings.ToLower(strings.TrimSpace(uuid))
	return u != "" && slices.Contains(s.uuids, u)
}

// Key identifies the scope for cache keys: two callers share cached
// results only when their keys are equal, that is when they may read
// exactly the same chatbots. A shared cache (across replicas) should put
// it in its keys too.
func (s Scope) Key() string {
	if s.all {
		return "*"
	}
	var b strings.Builder
	b.WriteString("ids=")
	for i, id := range s.ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteString(";uuids=")
	b.WriteString(strings.Join(s.uuids, ","))
	return b.String()
}

// Describe names the allowed chatbots for a message to the model, e.g.
// "chatbot_id 17 or 21, or chatbot_uuid 3f2a…".
func (s Scope) Describe() string {
	if s.all {
		return "every chatbot"
	}
	var parts []string
	if len(s.ids) > 0 {
		ids := make([]string, len(s.ids))
		for i, id := range s.ids {
			ids[i] = strconv.FormatInt(id, 10)
		}
		parts = append(parts, "chatbot_id "+strings.Join(ids, ", "))
	}
	if len(s.uuids) > 0 {
		parts = append(parts, "chatbot_uuid "+strings.Join(s.uuids, ", "))
	}
	if len(parts) == 0 {
		return "no chatbot"
	}
	return strings.Join(parts, "; or ")
}

// union adds o's chatbots to s.
func (s Scope) union(o Scope) Scope {
	if s.all || o.all {
		return All()
	}
	return Of(append(slices.Clone(s.ids), o.ids...), append(slices.Clone(s.uuids), o.uuids...))
}

// AccessError is a call for a chatbot outside the caller's scope, or any
// call by a caller whose scope is empty. Its text is for the model.
type AccessError struct {
	Scope   Scope
	Chatbot string // the chatbot asked for, "" when none was named
}

func (e *AccessError) Error() string {
	if e.Scope.IsEmpty() {
		return "This server's access policy gives your account no chatbots to read. Ask the operator to add your user, email or group to the policy file."
	}
	return fmt.Sprintf("You may not read %s under this server's access policy. The chatbots you may read: %s. Call again with one of them.",
		e.Chatbot, e.Scope.Describe())
}

// Policy maps identities to scopes.
type Policy struct {
	rules []rule
}

type rule struct {
	subject, email, group string
	scope                 Scope
}

// file is the policy file's JSON form.
type file struct {
	Rules []struct {
		Subject  string            `json:"subject"`
		Email    string            `json:"email"`
		Group    string            `json:"group"`
		Chatbots []json.RawMessage `json:"chatbots"`
	} `json:"rules"`
}

// Parse reads a policy: {"rules": [{"subject"|"email"|"group": "...",
// "chatbots": [17, "uuid", "*"]}, ...]}. Each rule names exactly one kind
// of identity; a caller gets the union of every rule that matches them.
func Parse(data []byte) (*Policy, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("policy: %w (expected {\"rules\": [{\"email\": \"ana@clinic.example\", \"chatbots\": [17]}]})", err)
	}
	p := &Policy{}
	for i, r := range f.Rules {
		n := 0
		for _, v := range []string{r.Subject, r.Email, r.Group} {
			if strings.TrimSpace(v) != "" {
				n++
			}
		}
		if n != 1 {
			return nil, fmt.Errorf("policy: rule %d must name exactly one of subject, email or group", i+1)
		}
		if len(r.Chatbots) == 0 {
			return nil, fmt.Errorf("policy: rule %d lists no chatbots (use [\"*\"] for all)", i+1)
		}
		var ids []int64
		var uuids []string
		all := false
		for _, raw := range r.Chatbots {
			var id int64
			var s string
			switch {
			case json.Unmarshal(raw, &id) == nil && id > 0:
				ids = append(ids, id)
			case json.Unmarshal(raw, &s) == nil && s == "*":
				all = true
			case json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "":
				if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && n > 0 {
					ids = append(ids, n)
				} else {
					uuids = append(uuids, s)
				}
			default:
				return nil, fmt.Errorf("policy: rule %d: chatbot %s is not a positive id, a uuid or \"*\"", i+1, raw)
			}
		}
		sc := Of(ids, uuids)
		if all {
			sc = All()
		}
		p.rules = append(p.rules, rule{subject: strings.TrimSpace(r.Subject), email: strings.ToLower(strings.TrimSpace(r.Email)),
			group: strings.TrimSpace(r.Group), scope: sc})
	}
	return p, nil
}

// Load reads a policy file.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ScopeFor is the union of the scopes of every rule matching id. Email
// matches ignore case; a caller matching no rule gets the empty scope.
func (p *Policy) ScopeFor(id auth.Identity) Scope {
	var s Scope
	for _, r := range p.rules {
		switch {
		// The static token's subject is reserved: an OAuth token whose
		// sub happens to be the same string is not that caller.
		case r.subject != "" && r.subject == id.Subject && (id.Subject != auth.StaticSubject || id.Method == "token"),
			r.email != "" && id.Email != "" && r.email == strings.ToLower(id.Email),
			r.group != "" && slices.Contains(id.Groups, r.group):
			s = s.union(r.scope)
		}
	}
	return s
}

// ErrNoPolicy is returned by a Store asked for a scope before any policy
// was loaded.
var ErrNoPolicy = errors.New("no access policy loaded")
