// Needs Podman's service (.ci/run starts it): skipped on a machine without it, unless CI is set (then it must run, and fails).
return new File('/run/nodeimage-podman.sock').exists() || System.getenv('CI') != null
