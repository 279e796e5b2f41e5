package channelize

// Exported for the external view tests, which need callers from a real
// instance (server/testenv imports this package).
var (
	ToWireConversation = toWireConversation
	ToWireUser         = toWireUser
	SeesEmail          = seesEmail
	AsJSON             = asJSON
)
