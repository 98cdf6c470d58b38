// Needs a Docker engine: skipped on a machine without one, unless CI is set (then it must run, and fails).
def engine = System.getenv('DOCKER_HOST') != null || new File('/var/run/docker.sock').exists()
return engine || System.getenv('CI') != null
