// English texts: the engine's own messages (warnings, errors, conventions), matched by their English wording (engine_text.js).
export default {
};
