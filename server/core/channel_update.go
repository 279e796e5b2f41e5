package core

import (
	"context"
)

// ChannelUpdate changes a channel; nil fields are left alone. Annotations
// replace the channel's annotations of the same type; one without a value
// removes that type.
type ChannelUpdate struct {
	Readers     *ACLInput
	Writers     *ACLInput
	Annotations []Annotation
}

// UpdateChannel changes a channel's access lists (unless immutable) and
// annotations: its owner only.
func (s *Service) UpdateChannel(ctx context.Context, c *Caller, id string, in ChannelUpdate) (*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name    string
		acl     *ACLInput
		writers bool
	}{{"readers", in.Readers, false}, {"writers", in.Writers, true}} {
		if f.acl != nil {
			if err := s.checkACL(f.name, f.acl, f.writers); err != nil {
				return nil, err
			}
		}
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actEditChannel, &standing{conv: conv}); err != nil {
			return err
		}
		a := *conv.Access
		for _, f := range []struct {
			name string
			in   *ACLInput
			acl  *ACL
		}{{"readers", in.Readers, &a.Readers}, {"writers", in.Writers, &a.Writers}} {
			if f.in == nil {
				continue
			}
			if f.acl.Immutable {
				return Invalidf(f.name, "the %s list is immutable", f.name)
			}
			if *f.acl, err = s.resolveACL(tx, c, f.name, *f.in, conv.OwnerPK); err != nil {
				return err
			}
		}
		a.Annotations = mergeAnnotations(a.Annotations, in.Annotations)
		if err := tx.PutChannelAccess(conv.PK, &a); err != nil {
			return err
		}
		conv.Access = &a
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}

// mergeAnnotations replaces the annotations of the types given, in place,
// adds new types at the end, and removes types given without a value.
func mergeAnnotations(list []Annotation, changes []Annotation) []Annotation {
	list = append([]Annotation(nil), list...)
	for _, ch := range changes {
		i := 0
		for i < len(list) && list[i].Type != ch.Type {
			i++
		}
		switch {
		case ch.Value == nil && i < len(list):
			list = append(list[:i], list[i+1:]...)
		case ch.Value == nil:
		case i < len(list):
			list[i].Value = ch.Value
		default:
			list = append(list, ch)
		}
	}
	return list
}

// DeactivateChannel marks a channel inactive (it takes no more messages):
// its owner only; private-message channels cannot be deactivated.
func (s *Service) DeactivateChannel(ctx context.Context, c *Caller, id string) (*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actEditChannel, &standing{conv: conv}); err != nil {
			return err
		}
		a := *conv.Access
		if a.InactiveAt.IsZero() {
			a.InactiveAt = s.Now()
			if err := tx.PutChannelAccess(conv.PK, &a); err != nil {
				return err
			}
		}
		conv.Access = &a
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}
