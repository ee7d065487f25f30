package slicequeue

func dropFirst(c *config) { c.users = c.users[1:] }
