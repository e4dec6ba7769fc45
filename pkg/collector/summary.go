package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// summaryReadBytes is how much of an error answer is read to summarise it.
const summaryReadBytes = 64 << 10

// maxMessageRunes bounds any text of the collector (or of whatever answered) shown to a user.
const maxMessageRunes = 300

var (
	htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlDrop  = regexp.MustCompile(`(?is)<(script|style|head)[^>]*>.*?</(script|style|head)>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// Summarize is the message of an error answer: the collector's own {"error": "..."}, or a short
// description of anything else (an HTML error page of a proxy is named by its title, never shown
// verbatim).
func Summarize(contentType string, body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return cut(e.Error)
	}
	return Describe(contentType, body)
}

// Describe says in one short line what an answer holds: an HTML page by its title (or its first
// words), JSON as JSON, text by its first line.
func Describe(contentType string, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return "an empty answer"
	case isHTML(contentType, trimmed):
		if m := htmlTitle.FindSubmatch(trimmed); m != nil {
			if title := plainText(m[1]); title != "" {
				return fmt.Sprintf("an HTML page titled %q, not the collector's JSON (is a proxy or another server at this URL?)", title)
			}
		}
		if text := plainText(htmlDrop.ReplaceAll(trimmed, nil)); text != "" {
			return fmt.Sprintf("an HTML page reading %q, not the collector's JSON (is a proxy or another server at this URL?)", text)
		}
		return "an HTML page, not the collector's JSON (is a proxy or another server at this URL?)"
	case json.Valid(trimmed):
		return "JSON of another shape: " + cut(string(trimmed))
	default:
		line, _, _ := bytes.Cut(trimmed, []byte("\n"))
		return fmt.Sprintf("text (%s): %s", orUnknown(contentType), cut(string(line)))
	}
}

func isHTML(contentType string, body []byte) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	head := strings.ToLower(string(body[:min(len(body), 512)]))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<body")
}

// plainText strips tags and entities and folds white space.
func plainText(fragment []byte) string {
	text := html.UnescapeString(string(htmlTag.ReplaceAll(fragment, []byte(" "))))
	return cut(strings.Join(strings.Fields(text), " "))
}

// cut keeps at most maxMessageRunes printable runes.
func cut(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	if utf8.RuneCountInString(s) <= maxMessageRunes {
		return s
	}
	return string([]rune(s)[:maxMessageRunes]) + "…"
}

func orUnknown(contentType string) string {
	if contentType == "" {
		return "no content type"
	}
	return contentType
}
