import sys

from hone_trainer.cli import main

sys.exit(main())
