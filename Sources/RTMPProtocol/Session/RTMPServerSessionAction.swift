/// What `RTMPServerSessionStateMachine` asks its handler to do after an input, in this order:
/// write `messages`, fire `events`, then close once the messages are flushed if `close`.
///
/// A struct rather than an enum of cases: one input may need all three (a rejected `connect`
/// answers and closes; an aggregate message yields several media events).
package struct RTMPServerSessionAction {
    /// Messages to send, in order.
    package var messages: [RTMPMessage] = []
    /// Events to pass on, in order, after the messages are written.
    package var events: [RTMPServerEvent] = []
    /// Close the connection once the messages are flushed.
    package var close = false

    package static let none = Self()

    package init(messages: [RTMPMessage] = [], events: [RTMPServerEvent] = [], close: Bool = false) {
        self.messages = messages
        self.events = events
        self.close = close
    }
}
