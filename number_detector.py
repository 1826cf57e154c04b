"""Number Detector: the interactive menu, or ``predict`` for scripts.

python number_detector.py                       # menu
python number_detector.py predict --json menu_data/
"""

import sys

from detector.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
