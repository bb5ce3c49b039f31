"""Write the invented user studies of tests/pipeline/test_user_studies.py (run it to regenerate).

Each folder here holds what a user would put in ``data/raw/<study>/``: the survey-tool exports,
as the tools write them, and one ``study.yaml``. People, names, e-mail addresses (example.org)
and answers are invented; the answers are drawn from a seeded generator, so this script writes
the same bytes every time. What each study exercises, and the counts built into it, are in the
docstring of the test module; the choices below (who misses a wave, who answers twice) are
fixed by hand, not drawn.

    .venv/bin/python tests/data/studies/make_fixtures.py
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).parent

# --- invented people -------------------------------------------------------------------------
_FIRST = ("Zorvanda", "Quelibor", "Vashtine", "Ixandrel", "Thrulmey", "Yevoric", "Krellani",
          "Obrundel", "Pexamira", "Wynthorpe", "Draxelle", "Fenxilla", "Glimmeric", "Hoxandra",
          "Jarvelin", "Lurquend", "Mivvander", "Nyxabel", "Plozetta", "Ruvkarin", "Sqwendol",
          "Trovessa", "Ulpharin", "Vexadine", "Wombrelle", "Xandorim", "Yorquilla", "Zephrandt",
          "Bremquist", "Cazzorine", "Dobrazel", "Esquilda", "Fratwin", "Gorvelda", "Hesperlin",
          "Izzabrant", "Jovquell", "Kazzimir", "Lomberza", "Murtlewin", "Norvessa", "Oxelbrand")
_LAST = ("Madeupova", "Fictorian", "Notrealson", "Inventadze", "Placeholm", "Pretendez",
         "Imaginski", "Fabrikantor", "Sampleton", "Dummerich", "Mockridge", "Testwoodle",
         "Fakenhamby", "Synthwick", "Inventelli", "Nonesuchly", "Fantasmora", "Phantomery",
         "Chimerova", "Figmentis", "Pseudorak", "Makebelieve", "Apocryphon", "Spurioso",
         "Conjurelli", "Dreamwright", "Fablewick", "Mythmaker", "Legendrick", "Whimsbury",
         "Storyfield", "Fancifort", "Hypothetico", "Noveltonne", "Allegorski", "Parablemore",
         "Reverievic", "Illusionte", "Mirageborn", "Quixoteau", "Utopiansk", "Fibberton")


def invented_people(count: int, seed: int) -> list[tuple[str, str, str]]:
    """``count`` distinct (first name, last name, e-mail at example.org), seeded."""
    rng = random.Random(seed)
    pairs = [(first, last) for first in _FIRST for last in _LAST]
    rng.shuffle(pairs)
    people, firsts, lasts = [], set(), set()
    for first, last in pairs:  # every first and every last name used once per study
        if first in firsts or last in lasts:
            continue
        firsts.add(first)
        lasts.add(last)
        people.append((first, last, f"{first.lower()}.{last.lower()}@example.org"))
        if len(people) == count:
            return people
    raise ValueError("not enough invented names")


# --- invented answers ------------------------------------------------------------------------
EE_ITEMS = (1, 2, 3, 6, 8, 13, 14, 16, 20)
DP_ITEMS = (5, 10, 11, 15, 22)
MBI_LABELS = ("Never", "A few times a year or less", "Once a month or less",
              "A few times a month", "Once a week", "A few times a week", "Every day")


def _clip(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def mbi(rng: random.Random, level: float) -> list[int]:
    """22 MBI answers (0-6) of a person at burnout ``level`` (0 low ... 1 high)."""
    answers = []
    for item in range(1, 23):
        if item in EE_ITEMS:
            centre = 0.5 + 5.5 * level
        elif item in DP_ITEMS:
            centre = 0.2 + 4.5 * level
        else:  # personal accomplishment: high when burnout is low
            centre = 5.8 - 3.5 * level
        answers.append(_clip(rng.gauss(centre, 0.9), 0, 6))
    return answers


def self_compassion(rng: random.Random, level: float) -> list[int]:
    """12 SCS-SF answers (1-5); items 1, 4, 8, 9, 11, 12 are the negatively worded ones."""
    negative = (1, 4, 8, 9, 11, 12)
    return [_clip(rng.gauss(1.5 + 3 * level if item in negative else 4.5 - 3 * level, 0.7), 1, 5)
            for item in range(1, 13)]


def flourishing(rng: random.Random, level: float) -> list[int]:
    """12 Secure Flourish Index answers (0-10)."""
    return [_clip(rng.gauss(8.5 - 5 * level, 1.2), 0, 10) for _ in range(12)]


def impostor(rng: random.Random, level: float) -> list[int]:
    """8 Young Impostor Scale answers (1 yes, 0 no)."""
    return [int(rng.random() < 0.15 + 0.75 * level) for _ in range(8)]


def later(rng: random.Random, level: float, effect: float) -> float:
    """Burnout level at a later wave: ``effect`` lower on average, with noise."""
    return min(0.98, max(0.02, level - effect + rng.gauss(0, 0.1)))


# --- writers ---------------------------------------------------------------------------------
def write_csv(path: Path, rows: list[list], *, bom: bool = False, crlf: bool = False) -> None:
    """Rows as CSV (minimal quoting), optionally with a UTF-8 BOM and CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerows([["" if cell is None else str(cell) for cell in row] for row in rows])
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def response_id(rng: random.Random) -> str:
    """A Qualtrics response id: R_ and 15 letters or digits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "R_" + "".join(rng.choice(alphabet) for _ in range(15))


QUALTRICS_META = ("StartDate", "EndDate", "Status", "IPAddress", "Progress",
                  "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
                  "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                  "ExternalReference", "LocationLatitude", "LocationLongitude",
                  "DistributionChannel", "UserLanguage")
_META_TEXT = ("Start Date", "End Date", "Response Type", "IP Address", "Progress",
              "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
              "Recipient Last Name", "Recipient First Name", "Recipient Email",
              "External Data Reference", "Location Latitude", "Location Longitude",
              "Distribution Channel", "User Language")
_META_IMPORT = ('{"ImportId":"startDate","timeZone":"America/Denver"}',
                '{"ImportId":"endDate","timeZone":"America/Denver"}', '{"ImportId":"status"}',
                '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}',
                '{"ImportId":"duration"}', '{"ImportId":"finished"}',
                '{"ImportId":"recordedDate","timeZone":"America/Denver"}',
                '{"ImportId":"_recordId"}', '{"ImportId":"recipientLastName"}',
                '{"ImportId":"recipientFirstName"}', '{"ImportId":"recipientEmail"}',
                '{"ImportId":"externalDataReference"}', '{"ImportId":"locationLatitude"}',
                '{"ImportId":"locationLongitude"}', '{"ImportId":"distributionChannel"}',
                '{"ImportId":"userLanguage"}')


def qualtrics_header(questions: list[tuple[str, str, str]]) -> list[list[str]]:
    """The three header rows: names, question texts, ImportId JSON (questions: name, text, id)."""
    return [list(QUALTRICS_META) + [name for name, _, _ in questions],
            list(_META_TEXT) + [text for _, text, _ in questions],
            list(_META_IMPORT) + [json.dumps({"ImportId": qid}, separators=(",", ":"))
                                 for _, _, qid in questions]]


def qualtrics_row(rng: random.Random, *, start: str, minutes: int, status="IP Address",
                  progress=100, finished="True", person=None, reference="",
                  channel="email", answers=()) -> list:
    """One response row: metadata, then the answers."""
    hour, minute = int(start[11:13]), int(start[14:16])
    end_minute = hour * 60 + minute + minutes
    end = f"{start[:11]}{end_minute // 60:02d}:{end_minute % 60:02d}:{start[17:19]}"
    first, last, email = person or ("", "", "")
    preview = channel == "preview"
    return [start, end, status, "" if preview else f"192.0.2.{rng.randint(2, 250)}", progress,
            minutes * 60 + rng.randint(0, 59), finished, end, response_id(rng), last, first,
            email, reference, "" if preview else f"{39.7 + rng.random() / 10:.4f}",
            "" if preview else f"{-104.9 - rng.random() / 10:.4f}", channel, "EN", *answers]


# ============================================================================================
# 1. peer_qualtrics: non-randomized, roster as plain CSV, two Qualtrics exports (choice text),
#    an evaluation survey (Qualtrics) and the coders' theme codes.
# ============================================================================================
PEER_BASELINE = "Resident Wellbeing - Baseline_June 12, 2024_09.15.csv"
PEER_FOLLOWUP = "Resident Wellbeing - 6 months_December 13, 2024_10.02.csv"
PEER_EVALUATION = "Peer Mentoring Evaluation_December 20, 2024_08.00.csv"
PEER_TYPO = "Everyday"  # the survey's spelling of "Every day" (mapped under responses)


def _peer_labels(answers: list[int | None]) -> list[str]:
    labels = [*MBI_LABELS[:-1], PEER_TYPO]
    return ["" if value is None else labels[value] for value in answers]


def peer_qualtrics() -> None:
    folder = HERE / "peer_qualtrics"
    folder.mkdir(exist_ok=True)
    rng = random.Random(1201)
    people = invented_people(33, seed=11)  # 32 residents + 1 not on the roster (RES-33)
    ids = [f"RES-{number:02d}" for number in range(1, 34)]
    # RES-01..16 peer mentoring, RES-17..32 usual support; labels as the program office typed.
    arm = {rid: ("Peer mentoring" if number <= 16 else "Usual support")
           for number, rid in enumerate(ids, start=1)}
    arm["RES-07"] = "peer mentoring "  # case and a trailing space: matched all the same
    arm["RES-25"] = "Usual Support"
    roster = [["Resident ID", "First name", "Last name", "E-mail", "Arm", "PGY", "Age", "Gender"]]
    for number, (rid, (first, last, email)) in enumerate(zip(ids[:32], people, strict=False),
                                                         start=1):
        roster.append([rid, first, last, email, arm[rid], f"PGY-{1 + number % 3}",
                       26 + (number * 7) % 9, "Woman" if number % 2 else "Man"])
    write_csv(folder / "peer_program_roster.csv", roster)

    questions = [(f"Q1_{item}", "How often do you feel this way? Please answer for the past "
                  f"month. - Statement {item} (MBI-HSS (MP) wording licensed, not reproduced)",
                  f"QID1_{item}") for item in range(1, 23)]
    questions += [("Q30", "Have you used the institution's wellness resources in the past year?",
                   "QID30"),
                  ("Q31", "Today's date (MM/DD/YYYY)", "QID31_TEXT")]
    level = {rid: 0.25 + 0.6 * rng.random() for rid in ids}
    person = dict(zip(ids, people, strict=True))

    def row(rid, day, answers, *, finished=True, progress=100, wellness=None, hour=9):
        wellness = wellness or ("Yes" if int(rid[-2:]) % 4 in (0, 1) else "No")
        date = f"{day[5:7]}/{day[8:10]}/{day[:4]}"
        items = _peer_labels(answers)
        tail = [wellness, date] if finished else ["", ""]
        return qualtrics_row(rng, start=f"{day} {hour:02d}:{rng.randint(0, 40):02d}:"
                             f"{rng.randint(0, 59):02d}", minutes=rng.randint(6, 14),
                             progress=progress, finished="True" if finished else "False",
                             person=person[rid], reference=rid, answers=[*items, *tail])

    baseline = qualtrics_header(questions)
    baseline.append(qualtrics_row(rng, start="2024-06-03 08:02:11", minutes=3,
                                  status="Survey Preview", channel="preview",
                                  answers=[*_peer_labels([0] * 22), "No", "06/03/2024"]))
    for number, rid in enumerate(ids[:31], start=1):
        if rid == "RES-16":
            continue  # only an unfinished response, below
        answers = mbi(rng, level[rid])
        if rid == "RES-11":
            answers[3] = None  # one item skipped (prorated by the scoring stage)
        if rid == "RES-05":  # answered twice: the earlier one is dropped (duplicates: latest)
            baseline.append(row(rid, "2024-06-04", mbi(rng, level[rid])))
        baseline.append(row(rid, f"2024-06-{5 + number % 6:02d}", answers))
    partial = mbi(rng, level["RES-16"])[:8] + [None] * 14
    baseline.append(row("RES-16", "2024-06-11", partial, finished=False, progress=36))
    baseline.append(row("RES-33", "2024-06-11", mbi(rng, 0.5), hour=15))  # not on the roster
    write_csv(folder / PEER_BASELINE, baseline, bom=True, crlf=True)

    followup = qualtrics_header(questions)
    followup.append(qualtrics_row(rng, start="2024-12-02 03:14:15", minutes=1, status="Spam",
                                  channel="anonymous",
                                  answers=[*_peer_labels([3] * 22), "Yes", "12/02/2024"]))
    for number, rid in enumerate(ids[:32], start=1):
        if rid in ("RES-15", "RES-30", "RES-31", "RES-32"):
            continue  # no follow-up response
        effect = 0.25 if number <= 16 else 0.05
        answers = mbi(rng, later(rng, level[rid], effect))
        if rid == "RES-14":  # only an unfinished follow-up response
            followup.append(row(rid, "2024-12-06", answers[:5] + [None] * 17, finished=False,
                                progress=18))
            continue
        if rid == "RES-20":  # an abandoned attempt first, then a finished response
            followup.append(row(rid, "2024-12-03", answers[:10] + [None] * 12, finished=False,
                                progress=45))
        followup.append(row(rid, f"2024-12-{4 + number % 8:02d}", answers))
    write_csv(folder / PEER_FOLLOWUP, followup, bom=True, crlf=True)

    # The evaluation survey, sent to the peer-mentoring residents.
    agreement = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                 "Strongly agree")
    # The survey designer renamed the questions (Qualtrics "export tags"), as many do.
    items = [("available", "My peer mentor was available when I needed them", "QID1"),
             ("coping", "The program helped me cope with residency", "QID2"),
             ("recommend", "I would recommend the program to a colleague", "QID3"),
             ("meetings", "How many times did you meet your peer mentor?", "QID4_TEXT"),
             ("comments", "What else would you like to tell us about the program?",
              "QID5_TEXT")]
    comments = {
        "RES-01": "Meeting someone one year ahead made the night shifts feel less lonely.",
        "RES-02": f"{people[5][0]} was a fantastic peer mentor, write to {people[5][2]} "
                  "for tips; she shared her notes on call schedules.",
        "RES-03": "Practical advice on handovers and admissions, very useful.",
        "RES-04": "Honestly it changed how I see my own mistakes on the wards.",
        "RES-06": "We met for coffee every other week; it felt like a friendship.",
        "RES-08": f"Please call me on 303-555-0147 about mentoring next year, {people[7][1]}.",
        "RES-09": "The advice about studying for boards was the most useful part.",
        "RES-10": "",
        "RES-12": "It helped to hear that seniors had the same doubts in their first year.",
        "RES-13": "More structure for the meetings would help; otherwise great.",
    }
    evaluation = qualtrics_header(items)
    evaluation.append(qualtrics_row(rng, start="2024-12-16 07:55:00", minutes=2,
                                    status="Survey Preview", channel="preview",
                                    answers=["Agree", "Agree", "Agree", "1", "test"]))
    themes_of = {}
    for day, rid in enumerate(comments, start=16):
        answers = [agreement[min(4, max(0, round(rng.gauss(3.2, 0.8))))] for _ in range(3)]
        if rid == "RES-03":  # a first, abandoned-and-resubmitted response: the earlier dropped
            early = qualtrics_row(rng, start="2024-12-16 12:00:00", minutes=4,
                                  person=person[rid], reference=rid,
                                  answers=[*answers, "2", "Practical advice."])
            evaluation.append(early)
            themes_of[early[8]] = (0, 0, 1)
        late = qualtrics_row(rng, start=f"2024-12-{day:02d} 18:{day:02d}:00", minutes=5,
                             person=person[rid], reference=rid,
                             answers=[*answers, str(rng.randint(2, 9)), comments[rid]])
        evaluation.append(late)
        if comments[rid]:
            themes_of[late[8]] = (int(rid in ("RES-01", "RES-02", "RES-06", "RES-12")),
                                  int(rid in ("RES-04", "RES-12", "RES-01")),
                                  int(rid in ("RES-02", "RES-03", "RES-09", "RES-08")))
    write_csv(folder / PEER_EVALUATION, evaluation, bom=True, crlf=True)

    write_csv(folder / "themes.csv", [
        ["theme", "label", "definition", "inclusion", "exclusion"],
        ["connection", "Connection", "Feeling less alone through the peer relationship.",
         "Company, friendship, someone to turn to.", "Logistics of meetings."],
        ["perspective", "Perspective", "Seeing one's training or mistakes differently.",
         "Reframing, realising others share doubts.", "Factual advice (code advice)."],
        ["advice", "Practical advice", "Concrete tips passed on by the peer mentor.",
         "Schedules, handovers, exams, notes.", "General encouragement."]])
    codes = [["response_id", "respondent_type", "coder", "connection", "perspective", "advice"]]
    for coder in ("coder_a", "coder_b"):
        for number, (rid, present) in enumerate(themes_of.items()):
            flipped = list(present)
            if coder == "coder_b" and number in (2, 5):  # two disagreements
                flipped[number % 3] = 1 - flipped[number % 3]
            codes.append([rid, "resident", coder, *flipped])
    write_csv(folder / "theme_codes.csv", codes)


# ============================================================================================
# 2. nurses_redcap: randomized, one longitudinal REDCap export (two arms), data dictionary.
# ============================================================================================
REDCAP_DICTIONARY_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation"]
MBI_CHOICES = " | ".join(f"{code}, {label}" for code, label in enumerate(MBI_LABELS))


def dictionary_row(name, form, kind, label, choices="", validation="", identifier="",
                   section="", matrix="", note="", required=""):
    return [name, form, section, kind, label, choices, note, validation, "", "", identifier, "",
            required, "", "", matrix, "", ""]


def nurses_redcap() -> None:
    folder = HERE / "nurses_redcap"
    folder.mkdir(exist_ok=True)
    rng = random.Random(2402)
    data_file = "NurseResilienceTrial_DATA_2024-11-04_1032.csv"
    dictionary_file = "NurseResilienceTrial_DataDictionary_2024-11-04.csv"
    mbi_fields = [f"mbi_{item:02d}" for item in range(1, 23)]
    imp_fields = [f"imp_{item}" for item in range(1, 9)]
    rows = [dictionary_row("record_id", "enrolment", "text", "Record ID"),
            dictionary_row("nurse_name", "enrolment", "text", "Full name", identifier="y",
                           section="Contact details"),
            dictionary_row("nurse_email", "enrolment", "text", "E-mail address",
                           validation="email", identifier="y"),
            dictionary_row("hospital", "enrolment", "dropdown", "Hospital",
                           "1, North Campus | 2, South Campus", section="Randomization",
                           required="y"),
            dictionary_row("allocation", "enrolment", "radio", "Allocated arm",
                           "1, Resilience coaching | 2, Waitlist", required="y"),
            dictionary_row("age", "enrolment", "text", "Age (years)", validation="integer"),
            dictionary_row("gender", "enrolment", "radio", "Gender",
                           "1, Female | 2, Male | 3, Non-binary | 9, Prefer not to say"),
            dictionary_row("years_experience", "enrolment", "text", "Years of nursing experience",
                           validation="number"),
            dictionary_row("shift", "enrolment", "dropdown", "Usual shift",
                           "1, Day | 2, Night | 3, Rotating"),
            dictionary_row("withdrew", "enrolment", "yesno", "Withdrew from the study?",
                           section="Study status"),
            dictionary_row("withdrawal_date", "enrolment", "text", "Date of withdrawal",
                           validation="date_ymd")]
    rows += [dictionary_row(field, "wellbeing_survey", "radio",
                            f"MBI-HSS (MP) statement {item} (wording licensed)", MBI_CHOICES,
                            section="How often do you feel this way?" if item == 1 else "",
                            matrix="mbi", required="y")
             for item, field in enumerate(mbi_fields, start=1)]
    rows += [dictionary_row(field, "wellbeing_survey", "yesno",
                            f"Young Impostor Scale question {item}") for item, field in
             enumerate(imp_fields, start=1)]
    rows += [dictionary_row("contact_date", "contact_log", "text", "Date of reminder call",
                            validation="date_ymd"),
             dictionary_row("contact_method", "contact_log", "radio", "Reminder by",
                            "1, Phone | 2, E-mail | 3, In person")]
    write_csv(folder / dictionary_file, [REDCAP_DICTIONARY_HEADER, *rows], bom=True)

    header = ["record_id", "redcap_event_name", "redcap_repeat_instrument",
              "redcap_repeat_instance", "nurse_name", "nurse_email", "hospital", "allocation",
              "age", "gender", "years_experience", "shift", "withdrew", "withdrawal_date",
              "enrolment_complete", "wellbeing_survey_timestamp", *mbi_fields, *imp_fields,
              "wellbeing_survey_complete", "contact_date", "contact_method",
              "contact_log_complete"]
    position = {name: index for index, name in enumerate(header)}

    def empty(record, event):
        row = [""] * len(header)
        row[0], row[1] = str(record), event
        return row

    def survey(record, event, when, answers, status="2"):
        row = empty(record, event)
        row[position["wellbeing_survey_timestamp"]] = when
        for name, value in zip([*mbi_fields, *imp_fields], answers, strict=True):
            row[position[name]] = "" if value is None else str(value)
        row[position["wellbeing_survey_complete"]] = status
        return row

    people = invented_people(36, seed=22)
    table = [header]
    block = (1, 2, 2, 1)  # permuted blocks of four: records 1-18 North, 19-36 South
    for record in range(1, 37):
        arm = block[(record - 1) % 4]
        first, last, email = people[record - 1]
        suffix = f"_arm_{arm}"
        row = empty(record, "enrolment" + suffix)
        values = {"nurse_name": f"{first} {last}", "nurse_email": email,
                  "hospital": "1" if record <= 18 else "2", "allocation": str(arm),
                  "age": str(23 + (record * 5) % 19), "gender": "1" if record % 3 else "2",
                  "years_experience": f"{1 + (record * 3) % 11}{'.5' if record % 4 == 0 else ''}",
                  "shift": str(1 + record % 3), "withdrew": "1" if record == 6 else "0",
                  "withdrawal_date": "2024-08-19" if record == 6 else "",
                  "enrolment_complete": "2"}
        for name, value in values.items():
            row[position[name]] = value
        table.append(row)
        level = 0.25 + 0.6 * rng.random()
        answers = mbi(rng, level) + impostor(rng, level)
        day = 1 + record % 20
        if record == 9:  # baseline started, never submitted
            table.append(survey(record, "baseline" + suffix, "[not completed]",
                                answers[:12] + [None] * 18, status="0"))
        elif record != 14:  # record 14 never answered any survey
            table.append(survey(record, "baseline" + suffix,
                                f"2024-05-{day:02d} {7 + record % 12:02d}:{record:02d}:41",
                                answers, status="1" if record == 2 else "2"))
        effect = 0.3 if arm == 1 else 0.05
        post = later(rng, level, effect)
        answers = mbi(rng, post) + impostor(rng, post)
        if record == 12:  # follow-up opened, nothing submitted
            table.append(survey(record, "followup" + suffix, "[not completed]",
                                [None] * 30, status="0"))
        elif record not in (6, 14, 21, 27, 31):
            table.append(survey(record, "followup" + suffix,
                                f"2024-10-{day + 3:02d} {8 + record % 10:02d}:{record:02d}:07",
                                answers, status="1" if record == 5 else "2"))
        # reminder calls before the follow-up survey: rows of the repeating contact_log form
        for instance, when in enumerate({21: ["2024-10-08", "2024-10-15"],
                                         27: ["2024-10-09"]}.get(record, []), start=1):
            reminder = empty(record, "followup" + suffix)
            reminder[2], reminder[3] = "contact_log", str(instance)
            reminder[position["contact_date"]] = when
            reminder[position["contact_method"]] = "1"
            reminder[position["contact_log_complete"]] = "2"
            table.append(reminder)
    # Record 37: created by the public survey link, never enrolled (not on the roster).
    table.append(survey(37, "baseline_arm_1", "2024-05-22 21:13:09",
                        mbi(rng, 0.5) + impostor(rng, 0.5)))
    write_csv(folder / data_file, table)


# ============================================================================================
# 3. workshop_csv: single group, plain CSV exports, three waves.
# ============================================================================================
def workshop_csv() -> None:
    folder = HERE / "workshop_csv"
    folder.mkdir(exist_ok=True)
    rng = random.Random(3603)
    people = invented_people(31, seed=33)
    codes = [f"WS-{number}" for number in range(101, 131)]
    roster = [["participant_code", "full_name", "email", "department", "age",
               "years_in_practice"]]
    departments = ("Internal Medicine", "Surgery", "Pediatrics")
    for number, code in enumerate(codes):
        first, last, email = people[number]
        roster.append([code, f"{first} {last}", email, departments[number % 3],
                       29 + (number * 7) % 23, 1 + (number * 5) % 17])
    write_csv(folder / "attendees.csv", roster)
    level = {code: 0.3 + 0.55 * rng.random() for code in codes}
    header = ["response_no", "participant_code", "email", "submitted_on", "completed",
              *[f"mbi{item:02d}" for item in range(1, 23)],
              *[f"flourish{item:02d}" for item in range(1, 13)]]
    email_of = {code: people[number][2] for number, code in enumerate(codes)}
    email_of["WS-199"] = people[30][2]
    counter = iter(range(1, 1000))

    def response(code, when, current, done=True):
        answers = mbi(rng, current) + flourishing(rng, current)
        if not done:
            answers = answers[:7] + [None] * (len(answers) - 7)
        return [next(counter), code, email_of[code], when, "Yes" if done else "No", *answers]

    def wave(file, moments, effect, *, skip=(), unfinished=(), twice=(), extra=(), us=False):
        rows = [header]
        for number, code in enumerate(codes):
            if code in skip:
                continue
            current = later(rng, level[code], effect) if effect else level[code]
            day, hour = moments(number)
            when = (f"{day[5:7].lstrip('0')}/{day[8:10].lstrip('0')}/{day[:4]} {hour}:{number:02d}"
                    if us else f"{day} {hour:02d}:{number:02d}:00")
            if code in twice:
                earlier = (f"{day[:8]}{int(day[8:10]) - 1:02d}")
                rows.append(response(code, earlier + f" {hour:02d}:00:00" if not us else
                                     f"{day[5:7].lstrip('0')}/{int(day[8:10]) - 1}/{day[:4]} "
                                     f"{hour}:00", current))
            rows.append(response(code, when, current, done=code not in unfinished))
        for code in extra:
            rows.append(response(code, f"{moments(0)[0]} 23:59:00", 0.5))
        write_csv(folder / file, rows)

    wave("before_workshop.csv", lambda n: (f"2024-02-{5 + n % 4:02d}", 8 + n % 9), 0.0,
         skip=("WS-130",), unfinished=("WS-129",), twice=("WS-103",), extra=("WS-199",))
    wave("midpoint.csv", lambda n: (f"2024-03-{11 + n % 3:02d}", 12 + n % 6), 0.1,
         skip=tuple(codes[20:]) , twice=("WS-104",))
    # the midpoint's WS-121 opened the survey without finishing it
    rows = (folder / "midpoint.csv").read_text(encoding="utf-8").splitlines()
    extra = response("WS-121", "2024-03-13 19:45:00", level["WS-121"], done=False)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if c is None else c for c in extra])
    (folder / "midpoint.csv").write_text("\n".join(rows) + "\n" + buffer.getvalue(),
                                         encoding="utf-8")
    wave("after_workshop.csv", lambda n: (f"2024-04-{15 + n % 5:02d}", 9 + n % 8), 0.2,
         skip=("WS-127", "WS-128", "WS-129", "WS-130"), unfinished=("WS-126",), us=True)


# ============================================================================================
# 4. interns_qualtrics: randomized, Qualtrics exports with numeric values (recode 1-7).
# ============================================================================================
def interns_qualtrics() -> None:
    folder = HERE / "interns_qualtrics"
    folder.mkdir(exist_ok=True)
    rng = random.Random(4804)
    people = invented_people(24, seed=44)
    ids = [f"I-{number:02d}" for number in range(1, 25)]
    roster = [["intern_id", "name", "email", "hospital", "specialty", "allocation", "age"]]
    for number, (iid, (first, last, email)) in enumerate(zip(ids, people, strict=True), start=1):
        roster.append([iid, f"{first} {last}", email,  # allocation alternates within hospitals
                       "Lakeside Hospital" if number % 4 in (1, 2) else "Riverside Hospital",
                       "Medicine" if number <= 12 else "Surgery",
                       "App" if number % 2 else "Usual care", 25 + number % 6])
    write_csv(folder / "randomisation_list.csv", roster)
    questions = [(f"MBI_{item}", f"MBI-HSS (MP) statement {item} (licensed wording)",
                  f"QID2_{item}") for item in range(1, 23)]
    questions += [(f"SCS_{item}", f"Self-Compassion Scale short form, item {item}",
                   f"QID3_{item}") for item in range(1, 13)]
    level = {iid: 0.3 + 0.55 * rng.random() for iid in ids}
    person = dict(zip(ids, people, strict=True))

    def answers(current):  # numeric values, as exported with "Use numeric values": MBI 1-7
        return [value + 1 for value in mbi(rng, current)] + self_compassion(rng, current)

    def row(iid, day, current, *, finished=True):
        values = answers(current)
        if not finished:
            values = values[:9] + [""] * (len(values) - 9)
        return qualtrics_row(rng, start=f"{day} {rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}"
                             f":{rng.randint(0, 59):02d}", minutes=rng.randint(5, 12),
                             status="0", progress=100 if finished else 42,
                             finished="1" if finished else "0", person=person[iid],
                             reference=iid, answers=values)

    t0 = qualtrics_header(questions)
    t0.append(qualtrics_row(rng, start="2025-07-01 07:30:00", minutes=2, status="1",
                            finished="1", channel="preview", answers=answers(0.5)))
    for number, iid in enumerate(ids):
        if iid == "I-02":
            t0.append(row(iid, "2025-07-02", level[iid]))
        t0.append(row(iid, f"2025-07-{3 + number % 5:02d}", level[iid]))
    write_csv(folder / "Intern_Wellbeing_T0.csv", t0, bom=True)
    t1 = qualtrics_header(questions)
    t1.append(qualtrics_row(rng, start="2025-10-01 02:02:02", minutes=1, status="8",
                            finished="1", channel="anonymous", answers=answers(0.9)))
    for number, iid in enumerate(ids, start=1):
        if iid in ("I-05", "I-18"):
            continue
        current = later(rng, level[iid], 0.25 if number % 2 else 0.05)
        t1.append(row(iid, f"2025-10-{6 + number % 7:02d}", current, finished=iid != "I-09"))
    write_csv(folder / "Intern_Wellbeing_T1.csv", t1, bom=True)


# ============================================================================================
# 5. retreat_redcap: single group, classic (non-longitudinal) REDCap projects.
# ============================================================================================
def retreat_redcap() -> None:
    folder = HERE / "retreat_redcap"
    folder.mkdir(exist_ok=True)
    rng = random.Random(5005)
    people = invented_people(20, seed=55)
    registration = [
        dictionary_row("record_id", "registration", "text", "Registration number"),
        dictionary_row("first_name", "registration", "text", "First name", identifier="y"),
        dictionary_row("last_name", "registration", "text", "Last name", identifier="y"),
        dictionary_row("email", "registration", "text", "E-mail", validation="email",
                       identifier="y"),
        dictionary_row("role", "registration", "dropdown", "Role",
                       "1, Resident | 2, Fellow | 3, Attending physician"),
        dictionary_row("age", "registration", "text", "Age", validation="integer")]
    write_csv(folder / "WellnessRetreatRegistr_DataDictionary_2025-03-03.csv",
              [REDCAP_DICTIONARY_HEADER, *registration], bom=True)
    rows = [["record_id", "first_name", "last_name", "email", "role", "age",
             "registration_complete"]]
    for record, (first, last, email) in enumerate(people, start=1):
        rows.append([record, first, last, email, 1 + record % 2, 27 + (record * 3) % 14,
                     "2"])
    write_csv(folder / "WellnessRetreatRegistr_DATA_2025-03-03_1412.csv", rows)

    fields = [f"mbi_{item}" for item in range(1, 23)]
    survey_dictionary = [dictionary_row("record_id", "retreat_survey", "text", "Response")]
    survey_dictionary.append(dictionary_row("reg_code", "retreat_survey", "text",
                                            "Your registration number (on your badge)"))
    survey_dictionary += [dictionary_row(field, "retreat_survey", "radio",
                                         f"MBI-HSS (MP) statement {item} (wording licensed)",
                                         MBI_CHOICES, matrix="mbi")
                          for item, field in enumerate(fields, start=1)]
    write_csv(folder / "RetreatSurvey_DataDictionary_2025-03-03.csv",
              [REDCAP_DICTIONARY_HEADER, *survey_dictionary], bom=True)
    header = ["record_id", "reg_code", "retreat_survey_timestamp", *fields,
              "retreat_survey_complete"]
    level = {record: 0.3 + 0.55 * rng.random() for record in range(1, 21)}

    def survey_rows(entries):
        table = [header]
        for number, (code, when, current, status) in enumerate(entries, start=1):
            answers = mbi(rng, current)
            if status == "0":
                answers = answers[:6] + [None] * 16
            table.append([number, code, when, *["" if a is None else a for a in answers],
                          status])
        return table

    before = []
    for record in range(1, 20):
        code = " 7" if record == 7 else str(record)  # typed with a leading space
        if record == 4:
            before.append((code, "2025-03-07 08:01:12", level[record], "2"))
        if record == 19:
            before.append((code, "[not completed]", level[record], "0"))
            continue
        before.append((code, f"2025-03-07 {8 + record % 3:02d}:{10 + record:02d}:33",
                       level[record], "2"))
        if record == 10:
            before.append(("99", "2025-03-07 09:59:59", 0.5, "2"))  # not registered
    write_csv(folder / "RetreatSurveyBefore_DATA_2025-03-07_1530.csv", survey_rows(before))
    after = []
    for record in range(1, 21):
        if record in (17, 18, 19):
            continue
        after.append((str(record), f"2025-05-0{1 + record % 2} 1{record % 10}:00:0{record % 10}",
                      later(rng, level.get(record, 0.5), 0.15), "1" if record == 16 else "2"))
    write_csv(folder / "RetreatSurveyAfter_DATA_2025-05-02_0930.csv", survey_rows(after))


def main() -> None:
    for build in (peer_qualtrics, nurses_redcap, workshop_csv, interns_qualtrics,
                  retreat_redcap):
        build()
    print(json.dumps(sorted(path.parent.name for path in HERE.glob("*/study.yaml"))))


if __name__ == "__main__":
    main()
