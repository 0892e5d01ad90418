package shape

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/stammer-mcp/stammer-mcp/stammer"
)

// Report is one answer's structure together with what the decoder made of
// it. Everything it prints comes from the Node tree (no values) and from
// the decoder's own field table (stammer.FieldUse).
type Report struct {
	// Root is the walked answer.
	Root *Node
	// Bytes is the size of the body; Complete is false when only its
	// first Bytes were walked.
	Bytes    int64
	Complete bool
	// ListShape is the shape the decoder recognised (ListResult.Shape).
	ListShape string
	// Decoded and Skipped are the decoder's counts of conversations read
	// and list items it could not read.
	Decoded, Skipped int
	// Failed says the decoder refused the answer (its error is reported
	// apart: it may quote the API's words, which this report never does).
	Failed bool
	// Malformed says the body is not one whole JSON value; the structure
	// is described up to the fault.
	Malformed bool
}

// knownShapes are the list shapes the decoder was written for (those of
// the API notes and stammertest); any other was found by a fallback rule.
var knownShapes = map[string]string{
	"envelope":      `{"message", "data": [...]}`,
	"array":         `[...]`,
	"results":       `{"count", "next", "previous", "results": [...]}`,
	"conversations": `{"count", "conversations": [...]}`,
	"data.results":  `{"message", "data": {"count", "results": [...]}}`,
}

// level is where the members of an object sit, which decides how the
// decoder reads them.
type level int

const (
	none         level = iota // nested in a member: that member's row says it
	envelope                  // the top level, and the objects holding the list
	conversation              // a list item
	message                   // an element of an item's messages
)

// envelopeUse is what the decoder reads the envelope's own members as
// (besides the list it found, which the report locates from ListShape).
var envelopeUse = map[string]string{
	"count": "total count", "next": "next page link", "message": "API message",
	"error": "API error text", "detail": "API error text",
}

// fieldWords puts the decoder's names of what it fills (stammer.FieldUse)
// in the words of the report; a name missing here is shown as it is.
var fieldWords = map[string]string{
	"ID": "conversation id", "UUID": "conversation uuid", "Number": "conversation number",
	"ChatbotID": "chatbot id", "ChatbotUUID": "chatbot uuid", "UserKey": "end user key",
	"Platform": "source platform", "State": "live or deleted", "CreatedAt": "created at",
	"UpdatedAt": "updated at", "Messages": "messages",
	"user text": "message text (user)", "bot text": "message text (bot)", "role": "message role",
	"text": "message text", "time": "message time",
}

// row is one line of a section.
type row struct{ path, kinds, in, use string }

// header heads the tables of members.
var header = row{"key", "JSON type", "in", "decoder reads it as"}

// reporter renders a Report.
type reporter struct {
	rep       *Report
	items     *Node            // the list items (nil: no list)
	itemsPath string           // where they are, e.g. "data[]"
	onPath    map[*Node]string // envelope members holding the list
	msgs      *Node            // the messages of the items (nil: none)
	msgsPath  string
	base      string   // the section's place, prefixed to paths in notes
	ignoredC  []string // conversation keys the decoder ignores
	ignoredM  []string // message keys the decoder ignores
	times     []row    // time layouts seen, by place
	platforms []string // "place: values" of each key read as the platform
}

// Write prints the report: a header, the envelope, the list items, their
// messages, time layouts, source platforms and a verdict.
func (r *Report) Write(w io.Writer) {
	p := &reporter{rep: r, onPath: map[*Node]string{}}
	p.locate()
	fmt.Fprintln(w, "Shape of the answer: its structure only, with no text, id, number, name or e-mail from it (strings appear as string(len N)); safe to paste into a public issue.")
	switch {
	case r.Malformed:
		fmt.Fprintf(w, "Body: %d bytes examined; it is not one whole, valid JSON value, so the structure is described up to the fault.\n", r.Bytes)
	case r.Complete:
		fmt.Fprintf(w, "Body: %d bytes, all examined.\n", r.Bytes)
	default:
		fmt.Fprintf(w, "Body: only its first %d bytes were examined (the rest is not described).\n", r.Bytes)
	}
	fmt.Fprintf(w, "Summary (as logged at LOG_LEVEL=debug): %s\n", Summary(r.Root))

	if p.items != r.Root {
		fmt.Fprintf(w, "\nTop level: %s\n", kinds(r.Root))
		if r.Root.Fields != nil {
			p.section(w, r.Root, "", envelope)
		}
	}
	if p.items != nil {
		fmt.Fprintf(w, "\nConversations: %d object(s) at %s\n", p.items.Kinds[Object], p.itemsPath)
		base := p.itemsPath
		if p.items == r.Root {
			base = ""
		}
		p.section(w, p.items, base, conversation)
	}
	if p.msgs != nil {
		fmt.Fprintf(w, "\nMessages: %d object(s) at %s\n", p.msgs.Kinds[Object], p.msgsPath)
		p.section(w, p.msgs, p.msgsPath, message)
	}
	if len(p.times) > 0 {
		fmt.Fprintln(w, "\nTime layouts:")
		p.table(w, append([]row{{"place", "layout", "values", ""}}, p.times...))
	}
	if len(p.platforms) > 0 {
		fmt.Fprintf(w, "\nSource platforms: %s\n", strings.Join(p.platforms, "; "))
	}
	fmt.Fprintf(w, "\nVerdict: %s\n", p.verdict())
}

// locate finds the list items and their messages from the shape the
// decoder reported.
func (p *reporter) locate() {
	root := p.rep.Root
	var path []string
	switch s := p.rep.ListShape; s {
	case "object":
		p.items, p.itemsPath = root, "the top level"
		return
	case "array":
		p.items, p.itemsPath = root.Elem, "[]"
		return
	case "envelope":
		path = []string{"data"}
	case "data.object":
		if d, k := field(root, "data"); d != nil {
			p.items, p.itemsPath = d, k
			p.onPath[d] = "the conversation"
		}
		return
	default:
		path = strings.Split(s, ".")
	}
	n, where := root, ""
	for _, key := range path {
		f, k := field(n, key)
		if f == nil || f.Kinds[Object]+f.Kinds[Array] == 0 {
			return // "message": no list at all
		}
		where += k
		p.onPath[f] = "holds the list"
		n = f
		if f.Kinds[Array] == 0 {
			where += "."
		}
	}
	p.onPath[n] = "the conversation list"
	if n.Elem != nil && n.Elem.Kinds[Object] > 0 {
		p.items, p.itemsPath = n.Elem, where+"[]"
	}
}

// field finds the member of n whose key is lower-case key (the decoder
// matches envelope keys without regard to case).
func field(n *Node, key string) (*Node, string) {
	for _, k := range n.Keys {
		if strings.ToLower(k) == key {
			return n.Fields[k], k
		}
	}
	return nil, ""
}

// members returns the rows of the members of the objects at n, nested
// objects and arrays inline, as paths under prefix.
func (p *reporter) members(n *Node, prefix string, lv level) []row {
	var rows []row
	for _, k := range n.Keys {
		f := n.Fields[k]
		fills, use := p.use(lv, k, f)
		path := prefix + k
		rows = append(rows, row{path, kinds(f), fmt.Sprintf("%d/%d", f.N, n.Kinds[Object]), use})
		p.note(path, fills, f)
		child := none
		if lv == envelope && p.onPath[f] != "" {
			child = envelope
		}
		rows = append(rows, p.inner(f, path, child)...)
	}
	if n.MoreKeys > 0 {
		rows = append(rows, row{prefix + "…", fmt.Sprintf("%d more member(s) past %d distinct keys", n.MoreKeys, maxKeys), "", "ignored"})
	}
	return rows
}

// inner returns the rows inside the values at f: object members as
// "path.key", array elements as "path[]". The list and the messages have
// sections of their own.
func (p *reporter) inner(f *Node, path string, lv level) []row {
	if f == p.items || f == p.msgs {
		return nil
	}
	var rows []row
	if f.Fields != nil {
		rows = append(rows, p.members(f, path+".", lv)...)
	}
	if f.Elem != nil {
		rows = append(rows, p.inner(f.Elem, path+"[]", none)...)
	}
	return rows
}

// use says what the decoder fills from member key at level lv (the names
// of stammer.FieldUse, nil when nothing) and how the report puts it.
func (p *reporter) use(lv level, key string, f *Node) (fills []string, use string) {
	switch {
	case lv == none:
		return nil, ""
	case p.onPath[f] != "":
		return nil, p.onPath[f]
	case lv == envelope:
		return nil, cmp.Or(envelopeUse[strings.ToLower(key)], "ignored")
	}
	names := stammer.FieldUse(key, lv == message)
	if names != "Messages" && f.Kinds[String]+f.Kinds[Int]+f.Kinds[Float]+f.Kinds[Bool] == 0 {
		names = "" // the decoder fills every other field from a string, number or boolean, and skips objects
	}
	if names == "" {
		if lv == conversation {
			p.ignoredC = append(p.ignoredC, key)
		} else {
			p.ignoredM = append(p.ignoredM, key)
		}
		return nil, "ignored"
	}
	fills = narrow(strings.Split(names, " or "), f)
	words := make([]string, len(fills))
	for i, name := range fills {
		words[i] = cmp.Or(fieldWords[name], name)
	}
	if lv == conversation && slices.Contains(fills, "Messages") && f.Elem != nil && f.Elem.Kinds[Object] > 0 && p.msgs == nil {
		p.msgs, p.msgsPath = f.Elem, strings.TrimPrefix(p.base+"."+key+"[]", ".")
	}
	return fills, strings.Join(words, " or ")
}

// narrow drops, of the fields a key may fill, those its values cannot:
// the decoder fills a uuid field only from a uuid (36 characters), and
// any other only from a number or numeric text (which 36 characters
// cannot be: it would not fit in 64 bits). A key whose values fit both
// keeps both.
func narrow(fills []string, f *Node) []string {
	strs := f.Kinds[String] > 0
	uuid := strs && f.StrMin <= 36 && 36 <= f.StrMax
	other := f.Kinds[Int]+f.Kinds[Float] > 0 || strs && (f.StrMin != 36 || f.StrMax != 36)
	var kept []string
	for _, name := range fills {
		if isUUID := strings.Contains(name, "UUID"); isUUID && uuid || !isUUID && other {
			kept = append(kept, name)
		}
	}
	if len(kept) == 0 {
		return fills
	}
	return kept
}

// note collects the time layouts and source platforms seen at path, whose
// values the decoder reads into the fields fills.
func (p *reporter) note(path string, fills []string, f *Node) {
	where := path
	if p.base != "" {
		where = p.base + "." + path
	}
	for _, l := range slices.Sorted(maps.Keys(f.Layouts)) {
		p.times = append(p.times, row{where, l, fmt.Sprintf("×%d", f.Layouts[l]), ""})
	}
	if slices.ContainsFunc(fills, func(s string) bool { return s == "CreatedAt" || s == "UpdatedAt" || s == "time" }) {
		for _, u := range slices.Sorted(maps.Keys(f.Epochs)) {
			p.times = append(p.times, row{where, u, fmt.Sprintf("×%d", f.Epochs[u]), ""})
		}
	}
	if slices.Contains(fills, "Platform") {
		var parts []string
		known := 0
		for _, word := range slices.Sorted(maps.Keys(f.Words)) {
			parts = append(parts, fmt.Sprintf("%s ×%d", word, f.Words[word]))
			known += f.Words[word]
		}
		if other := f.Kinds[String] - known; other > 0 {
			parts = append(parts, fmt.Sprintf("%d other value(s), not documented platforms, withheld", other))
		}
		p.platforms = append(p.platforms, where+": "+strings.Join(parts, ", "))
	}
}

// verdict says whether the answer had a shape the decoder knows, or which
// fallback rules it took.
func (p *reporter) verdict() string {
	r := p.rep
	if r.Failed {
		return "the decoder found no list of conversations in this answer; the structure above is what it would have to learn."
	}
	var why []string
	desc, known := knownShapes[r.ListShape]
	switch {
	case r.ListShape == "message":
		why = append(why, "the answer holds a message and no list (read as no conversations)")
	case !known:
		why = append(why, fmt.Sprintf("the list was found by a fallback rule (%q)", r.ListShape))
	}
	if n := len(p.ignoredC); n > 0 {
		why = append(why, fmt.Sprintf("%d conversation field(s) the decoder does not know, ignored: %s", n, strings.Join(p.ignoredC, ", ")))
	}
	if n := len(p.ignoredM); n > 0 {
		why = append(why, fmt.Sprintf("%d message field(s) the decoder does not know, ignored: %s", n, strings.Join(p.ignoredM, ", ")))
	}
	if r.Skipped > 0 {
		why = append(why, fmt.Sprintf("%d list item(s) were not objects and were skipped", r.Skipped))
	}
	out := fmt.Sprintf("the decoder read %d conversation(s)", r.Decoded)
	switch {
	case len(why) > 0:
		return out + " by fallback rules: " + strings.Join(why, "; ") + "."
	case p.items == nil:
		return fmt.Sprintf("the answer has a shape the decoder knows (%s: %s), but its list was empty, so no field of a conversation could be checked: run again with --date YYYY-MM-DD of a day that had conversations.", r.ListShape, desc)
	}
	return out + fmt.Sprintf(" from a shape it knows (%s: %s) and knows every field of it.", r.ListShape, desc)
}

// section writes the members table of n, its paths shown relative to base.
func (p *reporter) section(w io.Writer, n *Node, base string, lv level) {
	p.base = base
	p.table(w, append([]row{header}, p.members(n, "", lv)...))
}

// table prints rows in aligned columns.
func (p *reporter) table(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		cells := []string{r.path, r.kinds, r.in, r.use}
		for cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
	}
	tw.Flush()
}

// kinds describes the values at n: their JSON kinds with string and array
// lengths, and how many of each when they are mixed.
func kinds(n *Node) string {
	var parts []string
	for k := Kind(0); k < nKinds; k++ {
		if n.Kinds[k] == 0 {
			continue
		}
		s := k.String()
		switch k {
		case String:
			s = "string(len " + span(n.StrMin, n.StrMax) + ")"
		case Array:
			s = "array(len " + span(n.ArrMin, n.ArrMax) + ")"
			if n.Elem != nil {
				s += " of " + strings.ReplaceAll(kindNames1(n.Elem), ", ", "|")
			}
		}
		parts = append(parts, s)
	}
	if len(parts) > 1 {
		i := 0
		for k := Kind(0); k < nKinds; k++ {
			if n.Kinds[k] > 0 {
				parts[i] += fmt.Sprintf(" ×%d", n.Kinds[k])
				i++
			}
		}
	}
	return strings.Join(parts, ", ")
}

// kindNames1 names the kinds present at n, without lengths.
func kindNames1(n *Node) string {
	var parts []string
	for k := Kind(0); k < nKinds; k++ {
		if n.Kinds[k] > 0 {
			parts = append(parts, k.String())
		}
	}
	return strings.Join(parts, ", ")
}

func span(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// Summary is the structure of root on one line, keys only:
// {message data:[{id uuid … messages:[{query answer created_at}]}]}.
func Summary(root *Node) string {
	var b strings.Builder
	summary(&b, root)
	return b.String()
}

func summary(b *strings.Builder, n *Node) {
	if n.Fields != nil {
		b.WriteByte('{')
		for i, k := range n.Keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(k)
			if f := n.Fields[k]; f.Fields != nil || f.Kinds[Array] > 0 {
				b.WriteByte(':')
				summary(b, f)
			}
		}
		if n.MoreKeys > 0 {
			fmt.Fprintf(b, " …+%d", n.MoreKeys)
		}
		b.WriteByte('}')
	}
	if n.Elem != nil {
		b.WriteByte('[')
		summary(b, n.Elem)
		b.WriteByte(']')
	} else if n.Kinds[Array] > 0 && n.Fields == nil {
		b.WriteString("[]")
	}
}
