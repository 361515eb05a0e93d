package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"spatialstore/store"
)

// parseInfo serves INFO [section]: server, clients, stats, keyspace and
// indexes, as Redis' "# Section" blocks of name:value lines.
func parseInfo(c *client, args [][]byte) (op, error) {
	if len(args) > 2 {
		return op{}, errSyntax
	}
	want := "all"
	if len(args) == 2 {
		want = strings.ToLower(string(args[1]))
	}
	s := c.s
	return op{run: func(_ store.ReadWriter, w *redcon.Writer) error {
		var b strings.Builder
		section := func(name string, lines ...string) {
			if want != "all" && want != "default" && want != "everything" && want != strings.ToLower(name) {
				return
			}
			fmt.Fprintf(&b, "# %s\r\n", name)
			for _, l := range lines {
				b.WriteString(l + "\r\n")
			}
			b.WriteString("\r\n")
		}
		n, err := s.db.Len()
		if err != nil {
			return err
		}
		infos, err := s.db.Indexes()
		if err != nil {
			return err
		}
		unix := s.cfg.Unix
		section("Server",
			"server_name:store-server",
			"go_version:"+runtime.Version(),
			fmt.Sprintf("process_id:%d", os.Getpid()),
			"tcp_addr:"+s.Addr(),
			"unix_socket:"+unix,
			"data:"+s.db.Path(),
			fmt.Sprintf("uptime_in_seconds:%d", int64(time.Since(s.started).Seconds())))
		section("Clients",
			fmt.Sprintf("connected_clients:%d", s.clients()),
			fmt.Sprintf("maxclients:%d", s.cfg.MaxClients),
			fmt.Sprintf("max_request_bytes:%d", s.cfg.MaxRequest),
			fmt.Sprintf("requirepass:%v", s.cfg.Password != ""))
		section("Stats",
			fmt.Sprintf("total_connections_received:%d", s.stats.connections.Load()),
			fmt.Sprintf("rejected_connections:%d", s.stats.rejected.Load()),
			fmt.Sprintf("total_commands_processed:%d", s.stats.commands.Load()))
		section("Keyspace", fmt.Sprintf("db0:keys=%d", n))
		lines := make([]string, len(infos))
		for i, in := range infos {
			lines[i] = fmt.Sprintf("index_%s:pattern=%s,kind=%s,path=%s", in.Name, in.Pattern, in.Kind, in.Path)
		}
		section("Indexes", lines...)
		w.WriteBulkString(b.String())
		return nil
	}}, nil
}
