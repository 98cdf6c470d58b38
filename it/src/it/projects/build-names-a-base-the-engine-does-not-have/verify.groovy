def log = new File(basedir, 'build.log').text
assert log.contains('base image registry.example.internal:5000/nodeimage-it/absent-base:1 (base.image of site-node) is not in the Docker engine, and nodeimage never pulls')
assert log.contains("Hint: load it into the engine first: 'docker pull <image>' where a registry is reachable, 'docker load -i <archive>'")
// Stopped before the engine was asked to build (it would have tried to pull the base).
assert !log.contains('[site-node] Step 1/')
assert !new File(basedir, 'target/nodeimage/site-node/build.json').exists()
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ')
return true
