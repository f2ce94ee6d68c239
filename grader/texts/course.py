"""The nbgrader course's notebook text (headings, instructions, cell comments)."""

TEXTS: dict[str, dict[str, str]] = {
    "course.title": {"en": "Chapter {number} · {title}", "zh-TW": "第 {number} 章 · {title}"},
    "course.howto": {
        "en": "## In this notebook\n\n"
              "1. **Worksheet**: compute each blank by hand, replace its `None` in the worksheet cell and run the "
              "cell (it writes `worksheet.py`).\n"
              "2. **{what}**: {todo} in the code cell and run it (it writes `{file}`); the cell after it tries it.\n"
              "3. **Tests**: run every test cell. A failing test says what is wrong and where to look. "
              "More tests are hidden: they run when your notebook is graded.\n\n"
              "The grader runs your file in a separate process with a time limit, so a mistake in it cannot "
              "break this notebook.",
        "zh-TW": "## 這本筆記本\n\n"
                 "1. **工作單**：用手算出每一格，把工作單儲存格裡的 `None` 換成你的答案，再執行該儲存格（它會寫出 "
                 "`worksheet.py`）。\n"
                 "2. **{what}**：在程式碼儲存格中{todo}並執行（它會寫出 `{file}`）；下一個儲存格會試跑它。\n"
                 "3. **測試**：執行每一個測試儲存格。沒通過的測試會說明哪裡錯、該往哪裡找。"
                 "另有隱藏的測試，會在評分時執行。\n\n"
                 "評分程式在另一個有時間限制的行程中執行你的檔案，所以檔案裡的錯誤不會弄壞這本筆記本。",
    },
    "course.what.models": {"en": "Model", "zh-TW": "模型"},
    "course.what.formulas": {"en": "Formulas", "zh-TW": "公式"},
    "course.todo.models": {"en": "implement {names}", "zh-TW": "實作 {names}"},
    "course.todo.formulas": {"en": "implement the functions", "zh-TW": "實作這些函式"},
    "course.setup": {"en": "# The grader: the test cells below call it for your feedback (do not change this cell).\n"
                           "# When your notebook is graded, the grader grades the files your cells write, in a Python of its own.",
              "zh-TW": "# 評分程式：下面的測試儲存格會呼叫它，給你回饋（請勿修改這個儲存格）。\n"
                       "# 評分時，評分程式會在它自己的 Python 中，為你的儲存格寫出的檔案評分。"},
    "course.worksheet": {"en": "## Worksheet\n\nReplace each `None` with your answer, run the cell, then run the tests "
                        "under it (one point per blank).",
                  "zh-TW": "## 工作單\n\n把每個 `None` 換成你的答案，執行儲存格，再執行下面的測試（每格一分）。"},
    "course.model": {"en": "## {what}\n\nFill in every `TODO` in the cell below (keep the signatures: {signatures}), "
                    "then run it.",
              "zh-TW": "## {what}\n\n完成下面儲存格中的每一個 `TODO`（保留函式簽名：{signatures}），再執行它。"},
    "course.try": {"en": "# Try it (not graded): this runs your file here, in the notebook.",
            "zh-TW": "# 試跑（不計分）：在筆記本裡執行你的檔案。"},
    "course.tests": {"en": "## Tests\n\nEach test cell is one check of the grader, with its points.",
              "zh-TW": "## 測試\n\n每個測試儲存格是評分程式的一項檢查，並標有它的分數。"},
    "course.hidden_check": {"en": "# A hidden test: it runs when your notebook is graded.",
                            "zh-TW": "# 隱藏的測試：評分時才會執行。"},
    "course.random_cases": {"en": "# Here: the fixed cases. When your notebook is graded, {cases} random cases more.",
                            "zh-TW": "# 這裡執行固定的測資；評分時會再加上 {cases} 個隨機測資。"},
}
