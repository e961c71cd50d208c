/* escape_dotdot again, under a preopen with a name of its own
 * ("fixtures/escape_dotdot", granted by `dirs`) instead of "/": a runtime
 * that resolves ".." on the guest path string before mapping it to the host
 * may hold at "/" yet climb out of a named preopen. Same checks, same
 * output. */
#include "escape_dotdot.c"
