package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/leviathan-bot/leviathan/content"
)

// readingName is the command a moderator sets where the group has read
// to with.
const readingName = "reading"

// clearReading is the value of /reading that removes the limit.
const clearReading = "clear"

// readingStore keeps, per channel, the section the group has read to. A
// moderator's /reading outlives restarts: it is written to a small JSON
// file (through a temporary file and a rename, so a crash leaves the old
// file or the new one, never half of one).
type readingStore struct {
	mu       sync.Mutex
	path     string            // "" keeps it in memory only
	channels map[string]string // channel ID → section heading
}

// readingFile is the file's shape.
type readingFile struct {
	Channels map[string]string `json:"channels"`
}

// openReading starts from initial (the setting) and what the file holds,
// which wins: it is what moderators set since.
func openReading(path string, initial map[string]string) (*readingStore, error) {
	r := &readingStore{path: path, channels: maps.Clone(initial)}
	if r.channels == nil {
		r.channels = map[string]string{}
	}
	if path == "" {
		return r, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("couldn't read the reading positions: %w", err)
	}
	var f readingFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("couldn't read the reading positions in %s: %w", path, err)
	}
	// A channel a moderator cleared is "" and stays cleared.
	maps.Copy(r.channels, f.Channels)
	return r, nil
}

func (r *readingStore) get(channelID string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.channels[channelID]
}

// set stores section for a channel ("" clears it) and writes the file.
// A cleared channel is kept as "", so that it stays cleared over a
// setting that names it.
func (r *readingStore) set(channelID, section string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.channels[channelID] = section
	if r.path == "" {
		return nil
	}
	f := readingFile{Channels: r.channels}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("couldn't encode the reading positions: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o755); err != nil {
		return fmt.Errorf("couldn't create the directory of the reading positions: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.path), ".reading-*.json")
	if err != nil {
		return fmt.Errorf("couldn't write the reading positions: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("couldn't write the reading positions: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("couldn't write the reading positions: %w", err)
	}
	if err := os.Rename(tmp.Name(), r.path); err != nil {
		return fmt.Errorf("couldn't replace the reading positions: %w", err)
	}
	return nil
}

// readingOf is where the group in a channel (or a thread's parent
// channel) has read to; "" for no limit.
func (b *Bot) readingOf(ctx context.Context, channelID string) string {
	if s := b.reading.get(channelID); s != "" {
		return s
	}
	if p := b.parentOf(ctx, channelID); p != "" {
		return b.reading.get(p)
	}
	return ""
}

// onReading sets or clears where the group in the channel has read to.
// Only members who may manage messages in the channel (or administrators)
// may: the position limits every answer there.
func (b *Bot) onReading(ctx context.Context, i *discordgo.Interaction) {
	if i.Member == nil || i.Member.Permissions&(discordgo.PermissionManageMessages|discordgo.PermissionAdministrator) == 0 {
		b.respond(ctx, i, "Die Leseposition dürfen nur Moderator*innen setzen (Recht „Nachrichten verwalten“). "+
			"(Only members who may manage messages here can set where the group has read to.)", true)
		return
	}
	typed := strings.TrimSpace(stringOption(i.ApplicationCommandData().Options, "section"))
	if typed == "" || strings.EqualFold(typed, clearReading) {
		if err := b.reading.set(i.ChannelID, ""); err != nil {
			b.log.Error("couldn't store a reading position", "channel", i.ChannelID, "err", err)
			b.respond(ctx, i, "Entschuldigung, das konnte ich nicht speichern. (Sorry, I couldn't store that.)", true)
			return
		}
		b.log.Info("reading position cleared", "channel", i.ChannelID)
		b.respond(ctx, i, "Keine Leseposition mehr: ich antworte wieder aus dem ganzen Text. "+
			"(Reading position cleared: answers use the whole text again.)", false)
		return
	}
	essay := b.h.EssayOf(b.channelText(ctx, i.ChannelID))
	heading, _ := essay.Section(typed)
	if heading == "" || heading == content.NotesSection {
		b.respond(ctx, i, fmt.Sprintf("Einen Abschnitt „%s“ gibt es nicht. Die Abschnitte sind: „%s“. "+
			"(There is no such section; pick one of those above.)", clip(typed, 60), strings.Join(essay.BodySections(), "“, „")), true)
		return
	}
	if err := b.reading.set(i.ChannelID, heading); err != nil {
		b.log.Error("couldn't store a reading position", "channel", i.ChannelID, "err", err)
		b.respond(ctx, i, "Entschuldigung, das konnte ich nicht speichern. (Sorry, I couldn't store that.)", true)
		return
	}
	b.log.Info("reading position set", "channel", i.ChannelID, "section", heading)
	b.respond(ctx, i, fmt.Sprintf("Gelesen bis einschließlich „%s“: Antworten, Zitate und Zusammenfassungen hier verraten nichts, was danach kommt. "+
		"(Read up to the end of that section: answers, quotes and summaries here use nothing after it.)", heading), false)
}

// readingChoices suggests the sections of the channel's text, and, first,
// clearing the position.
func readingChoices(essay *content.Essay, typed string) []*discordgo.ApplicationCommandOptionChoice {
	out := sectionChoices(essay, typed)
	if strings.Contains(clearReading, strings.ToLower(strings.TrimSpace(typed))) {
		clear := &discordgo.ApplicationCommandOptionChoice{Name: "clear · Leseposition aufheben", Value: clearReading}
		out = append([]*discordgo.ApplicationCommandOptionChoice{clear}, out[:min(len(out), maxChoices-1)]...)
	}
	return out
}
