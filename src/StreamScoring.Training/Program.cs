// Placeholder entry point so the training tool builds while its CLI is written elsewhere;
// the CLI branch replaces this file.
return 0;
