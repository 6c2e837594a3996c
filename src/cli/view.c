/* view: placeholder until the module lands (not committed as done). */
#include "cli/cli.h"
int cmd_view(int argc, char **argv) { (void)argc; (void)argv; return 1; }
