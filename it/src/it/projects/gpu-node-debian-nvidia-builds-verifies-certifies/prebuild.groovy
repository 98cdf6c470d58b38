// The project is its own git repository (see src/it/git-project.groovy): certify binds the commit.
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))
return true
