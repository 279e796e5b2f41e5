package core

import "strings"

// NormalizeReaction turns the ways clients name one emoji into one short
// name, so that every dialect counts a reaction together: a short name
// with or without colons (":thumbsup:", "+1"), the raw emoji ("👍", with or
// without a variation selector) or a text shortcut (":-D"). Names it does
// not know are kept as they are (trimmed): reaction names are free text
// in some dialects ("like").
func NormalizeReaction(name string) string {
	name = strings.TrimSpace(name)
	if n, ok := emojiShortcuts[name]; ok {
		return n
	}
	if raw := strings.ReplaceAll(name, "\ufe0f", ""); raw != "" {
		if n, ok := emojiByRune[raw]; ok {
			return n
		}
	}
	bare := name
	if len(bare) > 2 && strings.HasPrefix(bare, ":") && strings.HasSuffix(bare, ":") {
		bare = bare[1 : len(bare)-1]
	}
	lower := strings.ToLower(bare)
	if n, ok := emojiAliases[lower]; ok {
		return n
	}
	if _, ok := emojiRunes[lower]; ok {
		return lower
	}
	return bare
}

// EmojiRune returns the emoji of a short name, "" when it is not one of the
// common emoji the core knows.
func EmojiRune(name string) string { return emojiRunes[name] }

// emojiRunes maps the short names (as the common emoji data sets name them)
// of the emoji people react with most to the emoji.
var emojiRunes = map[string]string{
	"grinning": "😀", "smiley": "😃", "smile": "😄", "grin": "😁", "laughing": "😆", "sweat_smile": "😅",
	"joy": "😂", "rofl": "🤣", "slightly_smiling_face": "🙂", "upside_down_face": "🙃", "wink": "😉",
	"blush": "😊", "innocent": "😇", "heart_eyes": "😍", "kissing_heart": "😘", "yum": "😋",
	"stuck_out_tongue": "😛", "stuck_out_tongue_winking_eye": "😜", "thinking_face": "🤔", "neutral_face": "😐",
	"expressionless": "😑", "no_mouth": "😶", "smirk": "😏", "unamused": "😒", "roll_eyes": "🙄",
	"grimacing": "😬", "relieved": "😌", "pensive": "😔", "sleepy": "😪", "sleeping": "😴",
	"sunglasses": "😎", "nerd_face": "🤓", "confused": "😕", "worried": "😟", "slightly_frowning_face": "🙁",
	"open_mouth": "😮", "astonished": "😲", "flushed": "😳", "pleading_face": "🥺", "cry": "😢",
	"sob": "😭", "scream": "😱", "angry": "😠", "rage": "😡", "skull": "💀", "poop": "💩",
	"clown_face": "🤡", "see_no_evil": "🙈", "heart": "❤", "broken_heart": "💔", "two_hearts": "💕",
	"sparkling_heart": "💖", "yellow_heart": "💛", "green_heart": "💚", "blue_heart": "💙",
	"purple_heart": "💜", "100": "💯", "boom": "💥", "wave": "👋", "ok_hand": "👌", "v": "✌",
	"crossed_fingers": "🤞", "point_up": "☝", "+1": "👍", "-1": "👎", "fist": "✊", "clap": "👏",
	"raised_hands": "🙌", "pray": "🙏", "muscle": "💪", "eyes": "👀", "tada": "🎉", "fire": "🔥",
	"star": "⭐", "sparkles": "✨", "rocket": "🚀", "white_check_mark": "✅", "heavy_check_mark": "✔",
	"x": "❌", "warning": "⚠", "question": "❓", "exclamation": "❗", "bulb": "💡", "coffee": "☕",
	"beers": "🍻", "cake": "🍰", "trophy": "🏆", "sunny": "☀", "zap": "⚡",
}

// emojiAliases are other names of the same emoji.
var emojiAliases = map[string]string{
	"thumbsup": "+1", "thumbs_up": "+1", "thumbsdown": "-1", "thumbs_down": "-1",
	"slight_smile": "slightly_smiling_face", "grinning_face": "grinning", "laughing_face": "laughing",
	"satisfied": "laughing", "red_heart": "heart", "hankey": "poop", "shit": "poop", "thinking": "thinking_face",
	"party_popper": "tada", "hooray": "tada", "facepunch": "fist", "punch": "fist", "raised_hand": "wave",
	"hundred_points": "100", "check": "white_check_mark", "heavy_multiplication_x": "x", "cross_mark": "x",
	"rolling_on_the_floor_laughing": "rofl", "crying": "cry", "frowning": "slightly_frowning_face",
	"face_with_rolling_eyes": "roll_eyes", "victory": "v",
}

// emojiShortcuts are the text emoticons people type.
var emojiShortcuts = map[string]string{
	":)": "slightly_smiling_face", ":-)": "slightly_smiling_face", "(:": "slightly_smiling_face",
	":D": "grinning", ":-D": "grinning", "xD": "laughing", "XD": "laughing",
	";)": "wink", ";-)": "wink", ":(": "slightly_frowning_face", ":-(": "slightly_frowning_face",
	":'(": "cry", ":P": "stuck_out_tongue", ":-P": "stuck_out_tongue", ":p": "stuck_out_tongue",
	":-p": "stuck_out_tongue", ";P": "stuck_out_tongue_winking_eye", ";-P": "stuck_out_tongue_winking_eye",
	":O": "open_mouth", ":-O": "open_mouth", ":o": "open_mouth", ":-o": "open_mouth",
	":|": "neutral_face", ":-|": "neutral_face", ":/": "confused", ":-/": "confused",
	"B)": "sunglasses", "B-)": "sunglasses", "<3": "heart", "</3": "broken_heart",
	"(y)": "+1", "(Y)": "+1", "(n)": "-1", "(N)": "-1",
}

// emojiByRune is emojiRunes the other way round (without variation selectors).
var emojiByRune = func() map[string]string {
	m := make(map[string]string, len(emojiRunes))
	for name, r := range emojiRunes {
		if r != "" {
			m[r] = name
		}
	}
	return m
}()
