"""Study A replica, part 3: the free text of the evaluations, written around five themes.

Step 5 of the data-generating model documented in :mod:`burnout_replica.mentorship`: the
qualitative codebook (``themes.csv``), the sentences a comment is composed from (one per theme
the respondent touches, plus an optional closing remark), and the direct identifiers a few
comments carry (an e-mail address, a phone number, a name), which the analysis must scrub.
"""

from __future__ import annotations

import numpy as np

__all__ = ["THEMES", "compose_comment", "insert_identifier"]

# theme: (label, definition, inclusion criteria, exclusion criteria), as in themes.csv
THEMES = {
    "relationship_building": (
        "Relationship building",
        "Forming a personal connection or rapport between student and mentor.",
        "Mentions of getting to know each other, feeling supported, having someone to turn "
        "to, trust, or an ongoing relationship.",
        "Purely logistical contact (scheduling) without a personal connection.",
    ),
    "different_perspective": (
        "Different perspective",
        "Seeing the rotation, the specialty or oneself from another point of view.",
        "Mentions of a new viewpoint, a resident's view of training, reframing a difficult "
        "shift, realising others share the same struggles.",
        "Learning a fact or skill without a change of viewpoint (code knowledge_sharing).",
    ),
    "knowledge_sharing": (
        "Knowledge sharing",
        "Transfer of practical, clinical or career knowledge from mentor to student.",
        "Advice on the application, letters, interviews, presentations, procedures, shift "
        "survival tips, resources.",
        "General encouragement with no specific content.",
    ),
    "personal_fulfillment": (
        "Personal fulfillment",
        "Satisfaction, enjoyment or meaning the participant drew from the program.",
        "Mentions of enjoying the program, feeling rewarded, giving back, pride, fun.",
        "Satisfaction with the rotation in general that is not linked to the program.",
    ),
    "self_reflection": (
        "Self-reflection",
        "Thinking about one's own wellbeing, habits, goals or growth.",
        "Mentions of reflecting on stress, burnout, balance, strengths and weaknesses, or "
        "one's own way of teaching.",
        "Descriptions of events without reflection on oneself.",
    ),
}
_SENTENCES = {
    "student": {
        "relationship_building": (
            "Having a resident who checked in on me every week made me feel like I belonged.",
            "My mentor made time for me even on busy shifts and I felt I could ask anything.",
            "It was nice to have someone in the department who knew my name from day one.",
            "We met for coffee after shifts and I felt genuinely supported.",
            "I knew there was someone I could text when a shift went badly.",
        ),
        "different_perspective": (
            "Hearing how my mentor handled intern year put my own worries into perspective.",
            "Talking with a resident showed me that everyone struggles with the same things.",
            "It helped me see the rotation as a chance to learn rather than a test.",
            "My mentor helped me reframe a really hard shift in a way I had not considered.",
        ),
        "knowledge_sharing": (
            "I got very practical advice on my application and on asking for letters.",
            "My mentor walked me through how to present patients efficiently in the ED.",
            "The tips on interview season and on ranking programs were extremely useful.",
            "We went over how to prepare for procedures and what attendings expect.",
            "I learned a lot about how to survive night shifts.",
        ),
        "personal_fulfillment": (
            "Honestly it was the most enjoyable part of the rotation.",
            "I really enjoyed the meetings and looked forward to them.",
            "The program made the month more rewarding than I expected.",
            "It was fun and it made me excited about residency.",
        ),
        "self_reflection": (
            "It made me think about how I handle stress and how to keep some balance.",
            "Our conversations made me reflect on what kind of doctor I want to become.",
            "I started paying more attention to my own sleep and wellbeing.",
            "It pushed me to think honestly about my strengths and weaknesses.",
        ),
    },
    "mentor": {
        "relationship_building": (
            "I enjoyed getting to know my students beyond the shift.",
            "My student and I kept in touch after the rotation ended.",
            "Building a relationship with the students made shifts more pleasant for both of us.",
            "I felt like a real point of contact for my students.",
        ),
        "different_perspective": (
            "It reminded me what it felt like to be a fourth-year student.",
            "Seeing the department through the students' eyes was refreshing.",
            "It changed how I see the students who rotate with us.",
        ),
        "knowledge_sharing": (
            "I shared a lot of advice about applications and interviews.",
            "Most of our meetings were about how to succeed on shift and in the match.",
            "I gave tips on presentations and on reading about patients.",
            "I passed on the resources that helped me most as a student.",
        ),
        "personal_fulfillment": (
            "It was rewarding to give back to students.",
            "I really enjoyed being a mentor and would do it again.",
            "Mentoring was one of the highlights of my month.",
            "It felt good to see my student grow over four weeks.",
        ),
        "self_reflection": (
            "It made me reflect on my own teaching style.",
            "Talking about burnout with students made me think about my own wellbeing.",
            "I realised how much I have learned since medical school.",
        ),
    },
}
_CLOSINGS = {
    "student": ("", "", "", " Thank you for organising it.", " Please keep this program.",
                " More structured meetings would help."),
    "mentor": ("", "", "", " Protected time for meetings would help.",
               " A short guide for mentors would be useful.", " Thanks for organising this."),
}



def compose_comment(rng: np.random.Generator, respondent: str, themes: list[str]) -> str:
    """A comment of a ``student`` or ``mentor``: one sentence per theme, then a closing."""
    sentences = [str(rng.choice(_SENTENCES[respondent][theme])) for theme in themes]
    return " ".join(sentences) + str(rng.choice(_CLOSINGS[respondent]))


def insert_identifier(rng: np.random.Generator, text: str, kind: str, person: dict) -> str:
    """``text`` with a direct identifier of ``person``: its ``email``, an invented phone number
    (555-01xx, reserved for fiction) or its ``name``."""
    if kind == "email":
        return text + f" If you want to talk more, my email is {person['email']}."
    if kind == "phone":
        number = f"({int(rng.integers(200, 990))}) 555-{int(rng.integers(100, 199)):04d}"
        return text + f" Happy to chat, call me at {number}."
    return f"Thanks to {person['name']}! " + text
