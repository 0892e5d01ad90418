package stammer

import (
	"strings"
	"testing"
)

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		want    string // BaseURL.String(); "" = error expected
		wantErr string // substring of the error
	}{
		{raw: "", want: "https://app.stammer.ai/en"},
		{raw: "   ", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai/", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai/en", want: "https://app.stammer.ai/en"},
		{raw: "HTTPS://App.Stammer.AI/EN/", want: "https://app.stammer.ai/en"},
		{raw: "https://app.agency.example/pt", want: "https://app.agency.example/pt"},
		{raw: "https://app.agency.example/pt/", want: "https://app.agency.example/pt"},
		{raw: "https://app.agency.example/pt-br", want: "https://app.agency.example/pt-br"},
		{raw: "https://app.agency.example/pt-BR/", want: "https://app.agency.example/pt-br"},
		{raw: "https://app.agency.example/zh-hans", want: "https://app.agency.example/zh-hans"},
		{raw: "https://app.agency.example:8443/de", want: "https://app.agency.example:8443/de"},
		// Pasted endpoints reduce to root + prefix.
		{raw: "https://app.agency.example/pt/chatbot/api/v1/conversations/", want: "https://app.agency.example/pt"},
		{raw: "https://app.stammer.ai/en/chatbot/api/v1/conversations", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai/en/chatbot/api/v1/conversation/12345678-1234-5678-1234-567812345678/", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai/en/user/api/v1/me/", want: "https://app.stammer.ai/en"},
		{raw: "https://app.stammer.ai/chatbot/api/v1/conversations/", want: "https://app.stammer.ai/en"},
		// Loopback may use http.
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/en"},
		{raw: "http://127.5.6.7/pt", want: "http://127.5.6.7/pt"},
		{raw: "http://localhost:3000/", want: "http://localhost:3000/en"},
		{raw: "http://LOCALHOST", want: "http://localhost/en"},
		{raw: "http://[::1]:9000", want: "http://[::1]:9000/en"},

		{raw: "http://app.stammer.ai", wantErr: "http is only allowed for loopback hosts"},
		{raw: "http://app.stammer.ai", wantErr: "use https://app.stammer.ai"},
		{raw: "http://10.0.0.5", wantErr: "loopback"},
		{raw: "http://localhost.evil.example", wantErr: "loopback"},
		{raw: "ftp://app.stammer.ai", wantErr: "only https"},
		// A bare domain means https; the checks still apply to it.
		{raw: "app.stammer.ai", want: "https://app.stammer.ai/en"},
		{raw: " app.agency.example/pt-BR/ ", want: "https://app.agency.example/pt-br"},
		{raw: "app.agency.example:8443", want: "https://app.agency.example:8443/en"},
		{raw: "app.stammer.ai/dashboard", wantErr: "unexpected path"},
		{raw: "tok3n@app.stammer.ai", wantErr: "user name or password"},
		{raw: "/en", wantErr: "no scheme"},
		{raw: "https://", wantErr: "no host"},
		{raw: "https:///en", wantErr: "no host"},
		{raw: "https://app.stammer.ai/dashboard", wantErr: "unexpected path"},
		{raw: "https://app.stammer.ai/en/dashboard", wantErr: "unexpected path"},
		{raw: "https://app.stammer.ai/en/api-docs/conversations", wantErr: "unexpected path"},
		{raw: "https://app.stammer.ai/english", wantErr: "unexpected path"},
		{raw: "https://app.stammer.ai/?x=1", wantErr: "query"},
		{raw: "https://app.stammer.ai/?", wantErr: "query"},
		{raw: "https://app.stammer.ai/#frag", wantErr: "fragment"},
		{raw: "https://user:secret@app.stammer.ai", wantErr: "user name or password"},
		{raw: "https://tok3n@app.stammer.ai", wantErr: "user name or password"},
		{raw: "https://app.stammer.ai/\x7f", wantErr: "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseBaseURL(tt.raw)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("ParseBaseURL(%q) error: %v", tt.raw, err)
				}
				if got.String() != tt.want {
					t.Errorf("ParseBaseURL(%q) = %s, want %s", tt.raw, got, tt.want)
				}
				// String round-trips.
				again, err := ParseBaseURL(got.String())
				if err != nil || again != got {
					t.Errorf("round trip of %s: %+v, %v", got, again, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseBaseURL(%q) = %s, want error containing %q", tt.raw, got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "STAMMER_BASE_URL") {
				t.Errorf("error %q does not name STAMMER_BASE_URL", err)
			}
		})
	}
}

func TestParseBaseURLNeverEchoesCredentials(t *testing.T) {
	for _, raw := range []string{
		"https://user:s3cretpw@app.stammer.ai",
		"https://s3cretpw@app.stammer.ai/en",
		"http://s3cretpw@10.0.0.1/%zz",
		"https://s3cretpw @app.stammer.ai",
	} {
		_, err := ParseBaseURL(raw)
		if err == nil {
			t.Errorf("ParseBaseURL(%q) accepted credentials", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("error echoes the credential: %v", err)
		}
	}
}

func TestBaseURLFields(t *testing.T) {
	b, err := ParseBaseURL("https://app.agency.example/pt/chatbot/api/v1/conversations/")
	if err != nil {
		t.Fatal(err)
	}
	want := BaseURL{Scheme: "https", Host: "app.agency.example", Lang: "pt"}
	if b != want {
		t.Errorf("got %+v, want %+v", b, want)
	}
	if got := b.endpointURL("chatbot/api/v1/conversations/"); got != "https://app.agency.example/pt/chatbot/api/v1/conversations/" {
		t.Errorf("endpointURL = %s", got)
	}
}
