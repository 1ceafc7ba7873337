/**
 * `moltsecret capacity --help | head -1`: the reader closing the pipe early is not a failure. Without a listener
 * Node turns the EPIPE into an uncaught exception (exit 1, WARNING by our own convention); with it, the rest of
 * the output is dropped and the command's own exit code stands.
 */
export function tolerateClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
    throw err;
  });
}
