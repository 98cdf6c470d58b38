// The project is its own git repository (see src/it/git-project.groovy).
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))
return true
