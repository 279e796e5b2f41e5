package cowork

import (
	"bytes"
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// renderer turns a message's Markdown into HTML that is safe to put into a
// page: CommonMark (with GitHub's tables, strikethrough and autolinks) by
// goldmark, which leaves raw HTML out and drops dangerous link targets,
// and then bluemonday's policy for user content, which keeps only known
// harmless elements and attributes (no script, no event handler, no
// javascript: URL) whatever the Markdown held.
type renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	strip  *bluemonday.Policy // keeps no element at all
}

func newRenderer() *renderer {
	return &renderer{
		md:     goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)),
		policy: bluemonday.UGCPolicy(),
		strip:  bluemonday.StrictPolicy(),
	}
}

// HTML renders Markdown text as sanitised HTML. Both stages are safe for
// concurrent use.
func (r *renderer) HTML(text string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(text), &buf); err != nil {
		// goldmark fails only when writing fails; a bytes.Buffer does not.
		return r.policy.Sanitize(text)
	}
	return r.policy.Sanitize(buf.String())
}

// Plain renders Markdown as HTML and keeps only its text: what i-net calls
// the plain format.
func (r *renderer) Plain(text string) string {
	return strings.TrimSpace(html.UnescapeString(r.strip.Sanitize(r.HTML(text))))
}
