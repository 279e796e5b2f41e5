package core

// UnreadCap is where unread counts stop: a member with more unread messages
// in a conversation (or, for UnreadTotal, in all of them) is told
// UnreadCap. Counting the whole backlog would cost in proportion to it;
// capped, a count costs the same with a thousand messages or a million.
// Clients show such numbers as "999+" anyway.
const UnreadCap = 1000

// CountCap is where message counts stop (Channelize's count, Sceyt's
// total_count): a conversation with more messages is said to have CountCap.
// Counting every message would cost in proportion to what other users
// wrote; capped, a count's cost is bounded whatever the conversation holds.
const CountCap = 10_000
