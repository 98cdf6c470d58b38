def log = new File(basedir, 'build.log').text
// render needs no engine; build stops with one message and a hint, not a stack trace of ours.
assert log.contains('site-node: rendered')
assert log.contains('no Docker engine answers at DOCKER_HOST=unix:///nonexistent/nodeimage-it/docker.sock, so the images cannot be built')
assert log.contains('Hint: start the engine (or set DOCKER_HOST to where it listens), then run again')
assert !log.contains('at io.nodeimage.')
return true
