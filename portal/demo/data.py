"""The pilot's shape: 9 desks of 4 district centres, 3 launch subjects.

Names of desks are illustrative; managers maintain the real ones as data.
"""

from datetime import time

CENTRES = [
    ("viseu", "Centro Distrital de Viseu"),
    ("braganca", "Centro Distrital de Bragança"),
    ("castelo-branco", "Centro Distrital de Castelo Branco"),
    ("beja", "Centro Distrital de Beja"),
]

# (code, name, centre, parallel attendants)
DESKS = [
    ("viseu", "Serviço de Atendimento de Viseu", "viseu", 2),
    ("lamego", "Serviço de Atendimento de Lamego", "viseu", 1),
    ("tondela", "Serviço de Atendimento de Tondela", "viseu", 1),
    ("braganca", "Serviço de Atendimento de Bragança", "braganca", 2),
    ("mirandela", "Serviço de Atendimento de Mirandela", "braganca", 1),
    ("castelo-branco", "Serviço de Atendimento de Castelo Branco", "castelo-branco", 2),
    ("covilha", "Serviço de Atendimento da Covilhã", "castelo-branco", 1),
    ("beja", "Serviço de Atendimento de Beja", "beja", 2),
    ("moura", "Serviço de Atendimento de Moura", "beja", 1),
]

WEEKLY_HOURS = [(time(9, 0), time(12, 30)), (time(14, 0), time(16, 30))]

# (code, name pt, name en, audience, minutes, checklist: (pt, en, required))
SUBJECTS = [
    (
        "contribuicoes",
        "Contribuições",
        "Contributions",
        "both",
        30,
        [
            (
                "Documento de identificação (Cartão de Cidadão ou passaporte)",
                "Identity document (Citizen Card or passport)",
                True,
            ),
            (
                "Extrato de remunerações ou declaração de remunerações em causa",
                "Statement or declaration of earnings concerned",
                False,
            ),
            (
                "Comprovativos de pagamento de contribuições",
                "Proof of contribution payments",
                False,
            ),
        ],
    ),
    (
        "protecao-juridica",
        "Proteção jurídica",
        "Legal protection (legal aid)",
        "citizen",
        30,
        [
            (
                "Requerimento de proteção jurídica (modelo PJ 1) preenchido",
                "Completed legal protection application (form PJ 1)",
                True,
            ),
            ("Documento de identificação do requerente", "Applicant's identity document", True),
            (
                "Declaração de IRS e nota de liquidação do último ano",
                "Last year's income tax return and assessment",
                True,
            ),
            (
                "Comprovativos de despesas do agregado (renda, crédito à habitação, saúde)",
                "Proof of household expenses (rent, mortgage, health)",
                False,
            ),
        ],
    ),
    (
        "cesd",
        "Cartão Europeu de Seguro de Doença",
        "European Health Insurance Card",
        "citizen",
        20,
        [
            (
                "Documento de identificação do titular e de cada familiar a incluir",
                "Identity document of the holder and of each family member to include",
                True,
            ),
            ("Comprovativo de morada atual", "Proof of current address", False),
        ],
    ),
]

# Valid demo identifiers (check digits correct, not real people).
DEMO_CITIZENS = [
    ("cesd", "11234567892", "ana.demo@example.pt", "pt_PT"),
    ("protecao-juridica", "12345678902", "joao.demo@example.pt", "pt_PT"),
    ("contribuicoes", "10000000000", "maria.demo@example.com", "en"),
]
DEMO_COMPANIES = [("contribuicoes", "20000000001", "501964843", "empresa.demo@example.pt", "pt_PT")]

# (e-mail, role, desk code): one staff account per role; passwords are generated on each run.
# The desk is Beja: a citizen who prefers its centre on the time page books there.
DEMO_STAFF = [
    ("linha@demo.seg-social.pt", "phone_line", None),
    ("balcao.beja@demo.seg-social.pt", "desk", "beja"),
    ("gestao@demo.seg-social.pt", "manager", None),
]
