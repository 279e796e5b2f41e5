package cowork

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestHTMLSafety feeds hostile Markdown to format=html's renderer: no
// script, event handler, javascript: or data: URL, or embedding element
// may come out, whichever way it was written.
func TestHTMLSafety(t *testing.T) {
	t.Parallel()
	r := newRenderer()
	// The checker itself catches what it must, or the cases prove nothing.
	for _, bad := range []string{`<script>x</script>`, `<img src=x onerror=alert(1)>`, `<a href=" JaVaScRiPt:x">y</a>`} {
		if unsafeMarkup(bad) == "" {
			t.Fatalf("unsafeMarkup(%q) found nothing", bad)
		}
	}
	hostile := map[string]string{
		"ScriptTag":        "hello <script>alert(1)</script>",
		"ScriptBlock":      "<script>\nalert(1)\n</script>",
		"ImgOnerror":       `<img src=x onerror=alert(1)>`,
		"ImgOnerrorInline": `look: <img src="x" onerror="alert(1)"> here`,
		"SvgOnload":        `<svg onload=alert(1)>`,
		"RawHTMLBlock":     "<div onclick=\"alert(1)\">\n\n*hi*\n\n</div>",
		"Iframe":           `<iframe src="https://evil.test"></iframe>`,
		"Style":            "<style>body{display:none}</style>",
		"AnchorJS":         `<a href="javascript:alert(1)">x</a>`,
		"LinkJS":           "[click](javascript:alert(1))",
		"LinkJSUpper":      "[click](JAVASCRIPT:alert(1))",
		"LinkJSEntity":     "[click](java&#x09;script:alert(1))",
		"LinkJSSpaces":     "[click](<  javascript:alert(1)>)",
		"RefLinkJS":        "[click][1]\n\n[1]: javascript:alert(1)",
		"ImageJS":          "![x](javascript:alert(1))",
		"AutolinkJS":       "<javascript:alert(1)>",
		"DataURL":          "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"VBScript":         "[x](vbscript:msgbox(1))",
		"AttrInjection":    `[x](https://ok.test/" onmouseover="alert(1))`,
		"Form":             `<form action="https://evil.test"><input name=x></form>`,
		"StyleAttr":        `<p style="background:url(javascript:alert(1))">x</p>`,
		"EntityScheme":     `<a href="&#106;avascript:alert(1)">x</a>`,
	}
	for name, md := range hostile {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := r.HTML(md)
			if err := unsafeMarkup(out); err != "" {
				t.Fatalf("HTML(%q) = %q: %s", md, out, err)
			}
		})
	}
}

// unsafeMarkup parses HTML as a browser would and names the first element,
// event handler or URL in it that could run code, "" when there is none.
// Text that merely reads like code ("javascript:" in a sentence) is safe.
func unsafeMarkup(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err.Error()
	}
	var walk func(n *html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "button", "link", "meta", "base":
				return "element " + n.Data
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "formaction" {
					return "attribute " + a.Key
				}
				if key == "href" || key == "src" || key == "action" || key == "xlink:href" {
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, a.Val))
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(v, scheme) {
							return a.Key + " " + a.Val
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if bad := walk(c); bad != "" {
				return bad
			}
		}
		return ""
	}
	for _, n := range nodes {
		if bad := walk(n); bad != "" {
			return bad
		}
	}
	return ""
}

// TestHTMLRendersMarkdown: the safe parts of Markdown survive.
func TestHTMLRendersMarkdown(t *testing.T) {
	t.Parallel()
	r := newRenderer()
	for md, want := range map[string]string{
		"**bold** and _it_":            "<p><strong>bold</strong> and <em>it</em></p>",
		"[site](https://example.test)": `<a href="https://example.test" rel="nofollow">site</a>`,
		"- a\n- b":                     "<li>a</li>",
		"`code <b>`":                   "<code>code &lt;b&gt;</code>",
		"~~gone~~":                     "<del>gone</del>",
		"see https://example.test/x":   `<a href="https://example.test/x" rel="nofollow">`,
	} {
		if got := r.HTML(md); !strings.Contains(got, want) {
			t.Errorf("HTML(%q) = %q, want it to hold %q", md, got, want)
		}
	}
	if got := r.Plain("**bold** &amp; <script>x</script>"); got != "bold & x" {
		t.Errorf("Plain = %q", got)
	}
}
