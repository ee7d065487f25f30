package chat

import (
	"context"
	"io"
	"net"
)

// Relay forwards a client connection to an upstream chat server, one
// request at a time: it reads everything the client sends, then writes
// it upstream and copies the answer back.
func Relay(ctx context.Context, client net.Conn, upstreamAddr string) error {
	defer client.Close()
	var d net.Dialer
	up, err := d.DialContext(ctx, "tcp", upstreamAddr)
	if err != nil {
		return err
	}
	defer up.Close()
	req, err := io.ReadAll(client)
	if err != nil {
		return err
	}
	if _, err := up.Write(req); err != nil {
		return err
	}
	_, err = io.Copy(client, up)
	return err
}
