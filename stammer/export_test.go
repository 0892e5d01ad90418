package stammer

import "io"

// DecodeConversation decodes a retrieve-one response body as the client
// does (GetConversation): a conversation object, bare or inside
// {"message","data":{…}} (a one-element list is accepted too). Errors are
// as for DecodeList. It is exported for the tests only.
func DecodeConversation(r io.Reader, limit int64) (*Conversation, error) {
	res, err := decodeBody(r, limit, limit, nil, true)
	if err != nil {
		return nil, err
	}
	return &res.Conversations[0], nil
}
