#pragma once
// Loopback ports for servers the tests start themselves (nginx, ...).
namespace herald::test {

// A port the kernel reports free on 127.0.0.1 right now. The server binds it a moment later: a
// small race other processes would have to win, acceptable on a test machine.
int free_loopback_port();
// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool accepts_connections(int port);

}  // namespace herald::test
