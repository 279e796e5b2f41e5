package channelize

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"parley/server/core"
)

var (
	t0    = time.Date(2020, 1, 29, 5, 29, 43, 233_000_000, time.UTC)
	alice = &core.User{PK: 1, ID: "alice", DisplayName: "Alice", AvatarURL: "https://x.test/a.png", Email: "a@x.test", CreatedAt: t0, UpdatedAt: t0}
	bob   = &core.User{PK: 2, ID: "bob", DisplayName: "Bob", CreatedAt: t0, UpdatedAt: t0}
)

// asJSON marshals v and decodes it into a generic value, for comparison
// with a literal.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func literal(t *testing.T, s string) any {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("bad literal: %v", err)
	}
	return out
}

func TestToWireMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *core.Message
		want string
	}{
		{"Minimal", &core.Message{ID: "m1", ConversationID: "general", Owner: bob, Type: core.TypeNormal, ShowInConversation: true,
			CreatedAt: t0, UpdatedAt: t0},
			`{"id":"m1","conversationId":"general","type":"normal","customType":null,"body":null,"ownerId":"bob",
			  "owner":{"id":"bob","displayName":"Bob","profileImageUrl":null},"attachments":[],"mentionedUsers":[],
			  "reactionsCount":{},"reactions":{},"metaData":{},"isDeleted":false,"encrypted":false,
			  "createdAt":"2020-01-29T05:29:43.233Z","updatedAt":"2020-01-29T05:29:43.233Z","replyCount":0,
			  "showInConversation":true,"pinned":false,"parentId":null,"originalMessageId":null}`},
		{"Full", &core.Message{ID: "5a92", ConversationID: "1021", Owner: alice, Type: core.TypeReply, CustomType: "text", Body: "hi",
			Metadata: []byte(`{"tag":"x"}`), ParentID: "p1", ReplyCount: 2, Pinned: true, Encrypted: true, CreatedAt: t0, UpdatedAt: t0.Add(time.Second),
			Attachments: []core.Attachment{
				{ID: "5df3", Type: "image", Data: []byte(`{"type":"image","fileUrl":"https://f/1.jpg","size":95860,"extra":{"k":[1]}}`)},
				{ID: "9-1", Type: "location", Data: []byte(`{"id":"client","type":"location","latitude":37.78}`)},
			},
			Mentions:  []core.Mention{{UserID: "bob", User: bob, Order: 1, WordCount: 2}},
			Reactions: []core.ReactionGroup{{Name: "like", Count: 2, UserIDs: []string{"alice", "bob"}}, {Name: "sad", Count: 0}},
		},
			`{"id":"5a92","conversationId":"1021","type":"reply","customType":"text","body":"hi","ownerId":"alice",
			  "owner":{"id":"alice","displayName":"Alice","profileImageUrl":"https://x.test/a.png"},
			  "attachments":[{"id":"5df3","type":"image","fileUrl":"https://f/1.jpg","size":95860,"extra":{"k":[1]}},
			                 {"id":"client","type":"location","latitude":37.78}],
			  "mentionedUsers":[{"wordCount":2,"order":1,"userId":"bob","user":{"id":"bob","displayName":"Bob","profileImageUrl":null}}],
			  "reactionsCount":{"like":2,"sad":0},"reactions":{"like":["alice","bob"],"sad":[]},"metaData":{"tag":"x"},
			  "isDeleted":false,"encrypted":true,"createdAt":"2020-01-29T05:29:43.233Z","updatedAt":"2020-01-29T05:29:44.233Z",
			  "replyCount":2,"showInConversation":false,"pinned":true,"parentId":"p1","originalMessageId":null}`},
		{"RecalledForward", &core.Message{ID: "f1", ConversationID: "c", Owner: bob, Type: core.TypeForward, ForwardedFromID: "m1",
			ShowInConversation: true, CreatedAt: t0, UpdatedAt: t0, DeletedAt: t0},
			`{"id":"f1","conversationId":"c","type":"forward","customType":null,"body":null,"ownerId":"bob",
			  "owner":{"id":"bob","displayName":"Bob","profileImageUrl":null},"attachments":[],"mentionedUsers":[],
			  "reactionsCount":{},"reactions":{},"metaData":{},"isDeleted":true,"encrypted":false,
			  "createdAt":"2020-01-29T05:29:43.233Z","updatedAt":"2020-01-29T05:29:43.233Z","replyCount":0,
			  "showInConversation":true,"pinned":false,"parentId":null,"originalMessageId":"m1"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := asJSON(t, toWireMessage(tc.m)), literal(t, tc.want)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestToWireAttachmentKeepsBytes(t *testing.T) {
	got := string(toWireAttachment(core.Attachment{ID: "7-0", Type: "gif", Data: []byte(`{"type":"gif","b":1,"a":2}`)}))
	if want := `{"id":"7-0","type":"gif","b":1,"a":2}`; got != want {
		t.Errorf("got %s, want %s (client key order kept)", got, want)
	}
	if got := string(toWireAttachment(core.Attachment{Type: "file"})); got != `{"type":"file"}` {
		t.Errorf("no data: got %s", got)
	}
}

func TestCoreKind(t *testing.T) {
	f, tr := false, true
	for _, tc := range []struct {
		typ     string
		isGroup *bool
		want    core.ConversationKind
		field   string
	}{
		{"", nil, core.KindGroup, ""},
		{"private", &tr, core.KindGroup, ""},
		{"private", &f, core.KindDirect, ""},
		{"", &f, core.KindDirect, ""},
		{"public", nil, core.KindPublic, ""},
		{"open", &tr, core.KindOpen, ""},
		{"public", &f, "", "isGroup"},
		{"secret", nil, "", "type"},
	} {
		got, err := coreKind(tc.typ, tc.isGroup)
		if got != tc.want || core.ErrorField(err) != tc.field {
			t.Errorf("coreKind(%q, %v): got %q, %v; want %q, field %q", tc.typ, tc.isGroup, got, err, tc.want, tc.field)
		}
	}
}

func TestParseSort(t *testing.T) {
	for _, tc := range []struct {
		in      string
		asc, ok bool
	}{
		{"", false, true}, {"updatedAt DESC", false, true}, {"updatedAt ASC", true, true}, {"createdAt DESC", false, true},
		{"createdAt asc", true, true}, {"updatedAt", true, true}, {"title ASC", false, false}, {"updatedAt UP", false, false},
		{"updatedAt DESC x", false, false},
	} {
		asc, err := parseSort(tc.in)
		if asc != tc.asc || (err == nil) != tc.ok || (err != nil && core.ErrorField(err) != "sort") {
			t.Errorf("parseSort(%q): got %v, %v", tc.in, asc, err)
		}
	}
}

func TestQueryList(t *testing.T) {
	v, _ := url.ParseQuery("ids=a,b,&ids[]=c&ids[]=d,e&ownerIds[]=alice&types=")
	for _, tc := range []struct {
		name string
		want []string
	}{{"ids", []string{"a", "b", "c", "d", "e"}}, {"ownerIds", []string{"alice"}}, {"types", nil}, {"none", nil}} {
		if got := queryList(v, tc.name); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want time.Time
		ok   bool
	}{
		{`"2020-01-29T05:29:43.233Z"`, t0, true},
		{`"2020-01-29T07:29:43.233+02:00"`, t0, true},
		{`1580275783233`, t0, true},
		{``, time.Time{}, true},
		{`null`, time.Time{}, true},
		{`"yesterday"`, time.Time{}, false},
		{`true`, time.Time{}, false},
	} {
		got, err := parseTime("timestamp", json.RawMessage(tc.raw))
		if !got.Equal(tc.want) || (err == nil) != tc.ok || (err != nil && core.ErrorField(err) != "timestamp") {
			t.Errorf("parseTime(%s): got %v, %v", tc.raw, got, err)
		}
	}
}

func TestParseAttachment(t *testing.T) {
	a, err := parseAttachment("attachments[0]", json.RawMessage(` {"type": "image", "name": "x.jpg", "size": 12, "mimeType": 5, "k": {"z": 1}} `))
	if err != nil || a.Type != "image" || a.Name != "x.jpg" || a.Size != 12 || a.MimeType != "" ||
		string(a.Data) != `{"type":"image","name":"x.jpg","size":12,"mimeType":5,"k":{"z":1}}` {
		t.Errorf("got %+v (%s), %v", a, a.Data, err)
	}
	for _, raw := range []string{`"image"`, `null`, `{"name":"x"}`, `{"type":7}`, `[1]`} {
		if _, err := parseAttachment("attachments[0]", json.RawMessage(raw)); core.ErrorCode(err) != core.EINVALID ||
			!strings.HasPrefix(core.ErrorField(err), "attachments[0]") {
			t.Errorf("%s: got %v, want invalid attachments[0]", raw, err)
		}
	}
}

func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"Internal", errors.New("db: disk full at /var/lib"),
			`{"error":{"statusCode":500,"name":"Error","message":"internal error","code":"INTERNAL_SERVER_ERROR"}}`},
		{"InvalidRenamed", core.Invalidf("metadata", "too big"),
			`{"error":{"statusCode":400,"name":"ValidationError","message":"too big","code":"INVALID_PARAMETER","field":"metaData"}}`},
		{"NotFound", core.Errorf(core.ENOTFOUND, "message not found"),
			`{"error":{"statusCode":404,"name":"Error","message":"message not found","code":"MODEL_NOT_FOUND"}}`},
		{"Forbidden", core.Errorf(core.EFORBIDDEN, "no"),
			`{"error":{"statusCode":403,"name":"Error","message":"no","code":"ACCESS_DENIED"}}`},
		{"Coded", withCode(core.Errorf(core.EUNAUTHENTICATED, "bad"), "INVALID_TOKEN"),
			`{"error":{"statusCode":401,"name":"Error","message":"bad","code":"INVALID_TOKEN"}}`},
		{"TooLarge", core.Errorf(core.ETOOLARGE, "big"),
			`{"error":{"statusCode":413,"name":"Error","message":"big","code":"PAYLOAD_TOO_LARGE"}}`},
		{"Conflict", core.Errorf(core.ECONFLICT, "taken"),
			`{"error":{"statusCode":409,"name":"Error","message":"taken","code":"CONFLICT"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeError(rec, httptest.NewRequest("GET", "/v2/x", nil), tc.err)
			got, want := literal(t, rec.Body.String()), literal(t, tc.want)
			if !reflect.DeepEqual(got, want) || rec.Code != int(want.(map[string]any)["error"].(map[string]any)["statusCode"].(float64)) {
				t.Errorf("got %d %s, want %s", rec.Code, rec.Body, tc.want)
			}
		})
	}
}
