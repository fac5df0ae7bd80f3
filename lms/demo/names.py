"""Names for the demo force: British given and family names, and the invented places of Midshire."""

GIVEN_NAMES = (
    "Aaron", "Abigail", "Adam", "Aisha", "Alex", "Alice", "Alison", "Amanda", "Amelia", "Amir", "Amy", "Andrew",
    "Anna", "Anthony", "Arjun", "Ashley", "Ben", "Bethany", "Bradley", "Callum", "Carl", "Caroline", "Charlotte",
    "Chloe", "Chris", "Claire", "Connor", "Craig", "Daniel", "Danielle", "Darren", "David", "Dean", "Declan",
    "Eleanor", "Elizabeth", "Ella", "Emily", "Emma", "Ethan", "Faisal", "Fiona", "Gareth", "Gemma", "George",
    "Georgia", "Grace", "Hannah", "Harry", "Harvey", "Hayley", "Helen", "Imran", "Isaac", "Jack", "Jade", "Jake",
    "James", "Jamie", "Jasmine", "Jason", "Jennifer", "Jessica", "Joanne", "Joe", "Jordan", "Joseph", "Joshua",
    "Karen", "Kate", "Katie", "Kayleigh", "Kelly", "Kieran", "Kirsty", "Laura", "Lauren", "Leah", "Lee", "Liam",
    "Lisa", "Louise", "Lucy", "Luke", "Marcus", "Mark", "Martin", "Matthew", "Megan", "Michael", "Michelle",
    "Mohammed", "Molly", "Natalie", "Nathan", "Neil", "Nicola", "Oliver", "Olivia", "Owen", "Paul", "Peter",
    "Philip", "Priya", "Rachel", "Rebecca", "Rhys", "Richard", "Robert", "Rory", "Ryan", "Sadia", "Sam", "Samantha",
    "Sarah", "Scott", "Sean", "Shannon", "Simon", "Sophie", "Stacey", "Stephen", "Steven", "Stuart", "Thomas",
    "Tom", "Tyler", "Usman", "Vicky", "Wayne", "William", "Yasmin", "Zoe", "Zara", "Kwame", "Tendai", "Marta",
    "Piotr", "Agnieszka", "Ciaran", "Siobhan", "Eilidh", "Fraser", "Bethan", "Dylan", "Harpreet", "Gurpreet",
    "Nadia", "Hamza", "Ravi", "Sunita", "Kofi", "Chantelle", "Reece", "Jodie",
)

FAMILY_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis", "Robertson", "Cox", "Alexander",
    "Morgan", "Moore", "Mills", "King", "Allen", "Harris", "Hughes", "Edwards", "Turner", "Hill", "Cooper", "Ward",
    "Morris", "Baker", "Harrison", "Martin", "Clark", "Young", "Lee", "Scott", "Watson", "Price", "Bennett",
    "Griffiths", "Kelly", "Carter", "Shaw", "Holmes", "Lloyd", "Parker", "Chapman", "Webb", "Ellis", "Richards",
    "Stevens", "Hussain", "Ali", "Begum", "Ahmed", "Singh", "Kaur", "Sharma", "Mahmood", "Iqbal", "Akhtar",
    "Campbell", "Stewart", "Murray", "Reid", "Fraser", "Murphy", "O'Brien", "O'Connor", "Byrne", "Doyle", "Walsh",
    "Nowak", "Kowalski", "Wisniewski", "Okafor", "Mensah", "Adeyemi", "Osei", "Francis", "Grant", "Powell",
    "Marshall", "Owen", "Simpson", "Gibson", "Dixon", "Hunt", "Palmer", "Fisher", "Lawrence", "Hart", "Barker",
    "Knight", "Butler", "Russell", "Fletcher", "Foster", "Howard", "Bailey", "Pearson", "Gray", "Rogers",
    "Atkinson", "Kennedy", "Lane", "Bell", "Burton", "Woods", "Payne", "Reynolds", "Hudson", "Hayes", "Saunders",
    "Cole", "Spencer", "Booth", "Hawkins", "Tucker", "Holt", "Rowe", "Whitehouse", "Bradbury", "Plant", "Salt",
    "Beardmore", "Mycock", "Hulme", "Wedgwood", "Tunnicliffe", "Bloor", "Sherratt", "Heath", "Poole", "Bagnall",
    "Cartwright", "Fenton", "Hollins", "Finney", "Ratcliffe", "Prince", "Kirkham", "Rhodes", "Nash", "Jennings",
    "Thornton", "Sutton", "Chadwick", "Wain", "Machin", "Dawson", "Barlow", "Swift", "Whittaker", "Brookes",
)

#: Midshire's ten local policing areas: invented places, none of them a real force's.
LOCAL_POLICING_AREAS = (
    "Midcaster North", "Midcaster South", "Brackenford", "Elmsworth", "Hollinbury", "Marrowdale", "Ravensmoor",
    "Stanbridge", "Thornwick", "Wyrefield",
)
