// The project is its own git repository (see src/it/git-project.groovy).
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))
// An edit after the commit: the tree is dirty.
new File(basedir, 'notes.txt').text = 'not committed'
return true
