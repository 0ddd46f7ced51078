"""Distinct medical words that a short answer's typo tolerance must never confuse.

`quizzes.grading` accepts a small spelling slip in a long word ("tibail" for "tibial"), but never
when the student's word is itself one of these terms, or is at least as close to one of them as to
the expected word: "median" is not a slip for "medial", "palmar" is not a slip for "plantar".

Rules for adding words:
- One word per entry, lower case. Multi-word terms are checked word by word, so add their words.
- Both members of a confusable pair belong here (medial and median, abductor and adductor,
  hypertension and hypotension); the lexicon only protects words it contains.
- A noun and its adjective are distinct entries (calcaneus and calcaneal, tibia and tibial): the
  grader treats them as different words, and an author who accepts both lists both.
- Singular forms only, and one spelling of a word: a plural (tarsals, vertebrae, retinacula) or a
  variant (tendonitis, neuropraxia) names the same thing, and listing it would make the grader
  refuse it as "a different term".
- British or American spelling, either one: the grader folds the two before comparing.
- Pure data: no imports from the rest of the project.
"""

from __future__ import annotations

# Position and direction.
_DIRECTIONS = """
anterior posterior superior inferior medial lateral median media mesial proximal distal
superficial deep dorsal ventral volar palmar plantar cranial caudal rostral central peripheral
ipsilateral contralateral bilateral unilateral internal external intermediate transverse
sagittal coronal axial oblique longitudinal horizontal vertical apical basal
"""

# Movement.
_MOVEMENTS = """
flexion extension abduction adduction pronation supination inversion eversion
dorsiflexion plantarflexion rotation circumduction opposition elevation depression
protraction retraction overpronation hyperpronation
"""

# Bones, their parts and adjectives of the lower and upper limb.
_BONES = """
tibia tibial fibula fibular femur femoral patella patellar talus talar calcaneus calcaneal
navicular cuboid cuneiform tarsus tarsal metatarsus metatarsal phalanx phalangeal sesamoid
malleolus malleolar hallux hallucal radius radial ulna ulnar humerus humeral carpus carpal
metacarpus metacarpal scaphoid lunate pisiform hamate capitate trapezium trapezoid pollex
pelvis pelvic sacrum sacral coccyx ilium iliac ischium ischial pubis pubic vertebra
vertebral spinal cervical thoracic lumbar tuberosity tubercle condyle epicondyle
"""

# Nerves, vessels and soft tissue of the foot and ankle (the first teaching module) and beyond.
_SOFT_TISSUE = """
nerve sural saphenous peroneal perineal peroneus fibularis tibialis sciatic pudendal
obturator popliteal plantaris plantae retinaculum laciniate aponeurosis
fascia fascial facial tendon tendinous ligament ligamentous bursa
abductor adductor flexor extensor hallucis pollicis digitorum digiti minimi quadratus
lumbrical interosseous brevis longus magnus soleus gastrocnemius
achilles artery arterial vein venous cutaneous subcutaneous sensory motor autonomic
"""

# Clinical words that differ by one or two letters from another clinical word.
_CLINICAL = """
hypertension hypotension hyperkalaemia hypokalaemia hypernatraemia hyponatraemia
hypercalcaemia hypocalcaemia hyperglycaemia hypoglycaemia hyperthyroidism hypothyroidism
hyperaesthesia hypoaesthesia anaesthesia paraesthesia dysaesthesia
hypertonia hypotonia hyperreflexia hyporeflexia hyperplasia hypoplasia hypertrophy
hypotrophy atrophy dystrophy hypoxia hypoxaemia ischaemia ischaemic anaemia oedema
afferent efferent aphasia aphagia dysphasia dysphagia dysarthria dyspraxia apraxia
tachycardia bradycardia tachypnoea bradypnoea dyspnoea apnoea
fasciitis fasciosis tendinitis tendinosis tendinopathy arthritis arthrosis
arthralgia nephritis nephrosis dermatitis dermatosis neuritis neuralgia neuroma neuropathy
radiculopathy myelopathy myopathy neurapraxia axonotmesis neurotmesis
fasciotomy fasciectomy colotomy colostomy colectomy tracheotomy tracheostomy neurolysis
neurectomy arthrotomy arthroscopy laparotomy laparoscopy
infarction infraction prostate prostrate palpation palpitation necrosis
osteopenia osteoporosis osteomyelitis myelitis cellulitis
ileum ileal iliac ilium ileus ureter urethra ureteric urethral humoral humeral
mucous mucus mucosa mucosal serous serosa serosal vesical vesicle vesicular
cerebral cerebellar hepatic hepatitis gastric gastritis
valgus varus sensitivity specificity fracture stress neuropathic nociceptive
demyelination entrapment compression decompression
"""

# Eponyms and named signs of the first teaching module.
_EPONYMS = """
tinel phalen baxter morton sever haglund hoffmann
"""

MEDICAL_TERMS: frozenset[str] = frozenset(
    word
    for block in (_DIRECTIONS, _MOVEMENTS, _BONES, _SOFT_TISSUE, _CLINICAL, _EPONYMS)
    for word in block.split()
)

# Eponyms: inside an answer of several words, a short eponym may carry one spelling slip
# ("Tinnel's sign"), and its possessive written without the apostrophe ("Tinels") is the name.
EPONYMS: frozenset[str] = frozenset(_EPONYMS.split())
