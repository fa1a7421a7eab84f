package discordtest

import "github.com/bwmarrin/discordgo"

// wireMessage is a message as Discord sends it. discordgo's Message reads
// "components" but never writes them (its field is tagged "-"), so a fake
// that encoded discordgo.Message directly would hand out every message,
// the bot's answers with their 👍/👎 buttons too, without components.
type wireMessage struct {
	*discordgo.Message
	Components        []discordgo.MessageComponent `json:"components"`
	ReferencedMessage *wireMessage                 `json:"referenced_message,omitempty"`
}

func wireOf(m *discordgo.Message) *wireMessage {
	if m == nil {
		return nil
	}
	comps := m.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	return &wireMessage{Message: m, Components: comps, ReferencedMessage: wireOf(m.ReferencedMessage)}
}

// wire returns v ready to encode: messages, alone or in a list, with their
// components; anything else as it is.
func wire(v any) any {
	switch v := v.(type) {
	case *discordgo.Message:
		return wireOf(v)
	case []*discordgo.Message:
		out := make([]*wireMessage, len(v))
		for i, m := range v {
			out[i] = wireOf(m)
		}
		return out
	}
	return v
}
